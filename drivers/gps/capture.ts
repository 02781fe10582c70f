/**
 * Reads a recorded receiver capture (raw serial output saved to a file) as framed lines, through
 * the same @serialport/parser-readline framing the live serial reader uses. Lines starting with
 * `#` are annotations (gpsd's capture format puts a header there) and are skipped.
 */
import { createReadStream, existsSync } from "node:fs";
import { ReadlineParser } from "@serialport/parser-readline";
import { MuckError } from "../../agent/errors.js";
import { LineGuard } from "./line-guard.js";

export function gpsLineParser(): ReadlineParser {
  // latin1 maps each byte to one char, so a checksum over line noise is computed on the real bytes.
  return new ReadlineParser({ delimiter: "\n", encoding: "latin1" });
}

/**
 * Calls `onLine` for every line of the capture, in order. Uses 'data' events, not async
 * iteration: with a string encoding, a paused Transform concatenates queued lines on read().
 */
export function forEachCaptureLine(file: string, onLine: (line: string) => void): Promise<void> {
  if (!existsSync(file)) {
    return Promise.reject(new MuckError("CAPTURE_NOT_FOUND", `capture file not found: ${file}`));
  }

  return new Promise((resolve, reject) => {
    const input = createReadStream(file);
    const parser = input.pipe(new LineGuard()).pipe(gpsLineParser());

    input.on("error", (error) => reject(new MuckError("CAPTURE_NOT_FOUND", `cannot read ${file}: ${error.message}`)));
    parser.on("data", (line: string) => {
      if (!line.startsWith("#")) onLine(line);
    });
    parser.on("end", resolve);
  });
}
