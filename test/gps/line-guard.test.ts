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

describe("line guard", () => {
  it("turns every CR into LF and keeps everything else, in any chunking", async () => {
    const input = "$GPGGA,1*00\r\n$GPRMC,2*00\r$GPVTG,3*00\r\r\n\n";
    for (const chunkBytes of [1, 3, 7, 1000]) {
      expect(await guard(input, chunkBytes)).toBe("$GPGGA,1*00\n\n$GPRMC,2*00\n$GPVTG,3*00\n\n\n\n");
    }
  });

  it("cuts a line after MAX_LINE_BYTES bytes, counting across chunks, and restarts the count at a line end", async () => {
    const long = "A".repeat(MAX_LINE_BYTES + 6);
    const expected = `${"A".repeat(MAX_LINE_BYTES)}\n${"A".repeat(6)}\n\n$X\n${"B".repeat(MAX_LINE_BYTES)}\n`;
    for (const chunkBytes of [1, 7, 512, 5000]) {
      expect(await guard(`${long}\r\n$X\r${"B".repeat(MAX_LINE_BYTES)}\n`, chunkBytes)).toBe(expected);
    }
  });
});
