/** The line guard in front of the GPS line parser: CR becomes LF, a line is cut at MAX_LINE_BYTES. */
import { describe, expect, it } from "vitest";
import { LineGuard, MAX_LINE_BYTES } from "../../drivers/gps/line-guard.js";

async function guard(input: string, chunkBytes: number): Promise<string> {
  const lineGuard = new LineGuard();
  const out: Buffer[] = [];
  lineGuard.on("data", (chunk: Buffer) => out.push(chunk));
  const bytes = Buffer.from(input, "latin1");
  for (let i = 0; i < bytes.length; i += chunkBytes) lineGuard.write(bytes.subarray(i, i + chunkBytes));
  lineGuard.end();
  await new Promise((resolve) => lineGuard.on("end", resolve));
  return Buffer.concat(out).toString("latin1");
}

/** The lines the LF-splitting parser makes of the guard's output, as the decoder sees them (a trailing CR dropped). */
function lines(guarded: string): string[] {
  return guarded.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

describe("line guard", () => {
  it("ends a line at a lone CR, leaves CR LF alone, and keeps everything else, in any chunking", async () => {
    const input = "$GPGGA,1*00\r\n$GPRMC,2*00\r$GPVTG,3*00\r\r\n\n";
    const sentences = ["$GPGGA,1*00", "$GPRMC,2*00", "$GPVTG,3*00"];
    for (const chunkBytes of [1, 3, 7, 1000]) {
      const out = await guard(input, chunkBytes);
      expect(lines(out).filter((line) => line.length > 0)).toEqual(sentences);
      expect(out.replaceAll("\r", "").replaceAll("\n", "")).toBe(input.replaceAll("\r", "").replaceAll("\n", ""));
    }
    // In one chunk a CR LF receiver's sentences come out one line each, no empty line between.
    expect(await guard("$GPGGA,1*00\r\n$GPRMC,2*00\r\n", 1000)).toBe("$GPGGA,1*00\r\n$GPRMC,2*00\r\n");
  });

  it("never writes into the chunk it was given: a lone CR is turned into LF in a copy", async () => {
    const lineGuard = new LineGuard();
    const out: Buffer[] = [];
    lineGuard.on("data", (chunk: Buffer) => out.push(chunk));
    const crOnly = Buffer.from("$GPRMC,2*00\r$GPVTG,3*00\r", "latin1");
    const crLf = Buffer.from("$GPGGA,1*00\r\n", "latin1");
    lineGuard.write(crOnly);
    lineGuard.write(crLf);
    lineGuard.end();
    await new Promise((resolve) => lineGuard.on("end", resolve));

    // The serial port may still hold the chunk it read; the guard's output is its own.
    expect(crOnly.toString("latin1")).toBe("$GPRMC,2*00\r$GPVTG,3*00\r");
    expect(out.map((chunk) => chunk.toString("latin1"))).toEqual(["$GPRMC,2*00\n$GPVTG,3*00\n", "$GPGGA,1*00\r\n"]);
  });

  it("cuts a line after MAX_LINE_BYTES bytes, counting across chunks, and restarts the count at a line end", async () => {
    const long = "A".repeat(MAX_LINE_BYTES + 6);
    const expected = ["A".repeat(MAX_LINE_BYTES), "A".repeat(6), "$X", "B".repeat(MAX_LINE_BYTES), ""];
    for (const chunkBytes of [1, 7, 512, 5000]) {
      const out = await guard(`${long}\r\n$X\r${"B".repeat(MAX_LINE_BYTES)}\n`, chunkBytes);
      expect(lines(out).filter((line, i, all) => line.length > 0 || i === all.length - 1)).toEqual(expected);
    }
  });
});
