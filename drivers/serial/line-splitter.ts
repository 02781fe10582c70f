/**
 * Lines mode: splits the byte stream on a delimiter and decodes each line as latin1, which maps
 * every byte to one character, so a corrupt byte in an NMEA sentence fails its checksum later
 * instead of vanishing into a UTF-8 replacement character here.
 */
import { ReadlineParser } from "@serialport/parser-readline";

/** Returns a function to feed bytes into; `onLine` gets each complete line without delimiter. */
export function createLineSplitter(
  delimiter: string,
  onLine: (line: string) => void,
): (chunk: Buffer) => void {
  const parser = new ReadlineParser({ delimiter, encoding: "latin1" });

  // With the default "\n", receivers that end sentences with CR LF (the NMEA standard) and those
  // that send LF alone both give clean lines.
  const stripCr = delimiter === "\n";
  parser.on("data", (line: string) =>
    onLine(stripCr && line.endsWith("\r") ? line.slice(0, -1) : line),
  );

  return (chunk) => {
    parser.write(chunk);
  };
}
