/**
 * Sits in front of the line parser (@serialport/parser-readline, split on LF) and makes two
 * promises the parser alone cannot:
 *   - a receiver that ends its lines with CR alone still gets its lines out at once: every CR
 *     becomes an LF (CR LF and CR CR LF then give empty lines, which the decoder skips);
 *   - a stream with no line end at all (garbage at a wrong baud rate) cannot grow the parser's
 *     buffer without bound: after MAX_LINE_BYTES without one, an LF is put in, and the pieces
 *     fail their checksum and are counted like any other noise.
 */
import { Transform, type TransformCallback } from "node:stream";

const CR = 0x0d;
const LF = 0x0a;
export const MAX_LINE_BYTES = 1024;

export class LineGuard extends Transform {
  private sinceLineEnd = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        out.push(LF);
        this.sinceLineEnd = 0;
        continue;
      }
      if (this.sinceLineEnd >= MAX_LINE_BYTES) {
        out.push(LF);
        this.sinceLineEnd = 0;
      }
      out.push(byte);
      this.sinceLineEnd++;
    }
    done(null, Buffer.from(out));
  }
}
