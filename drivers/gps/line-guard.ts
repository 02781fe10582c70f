/**
 * Sits in front of the line parser (@serialport/parser-readline, split on LF) and makes two
 * promises the parser alone cannot:
 *   - a receiver that ends its lines with CR alone still gets its lines out at once: a CR that
 *     an LF does not follow in the same chunk becomes an LF. CR LF is left alone, so a line
 *     comes out with its CR, which the decoder drops: turning that CR into LF as well gave an
 *     empty line after every sentence, and each costs the parser as much as a sentence (row 2);
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
    done(null, this.guarded(chunk));
  }

  /**
   * Most chunks pass as they are: CR LF and LF lines need nothing. CR → LF keeps the length, so
   * a copy with the bytes replaced is enough, made at the first CR that needs it (copying every
   * chunk showed in row 2's profile); only a line running past MAX_LINE_BYTES needs bytes put in,
   * and only then is the chunk rebuilt byte by byte (a per-byte array for every chunk was the
   * largest cost of framing at 10 Hz, benchmark row 2).
   */
  private guarded(chunk: Buffer): Buffer {
    let out = chunk;
    let since = this.sinceLineEnd;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === CR || byte === LF) {
        if (byte === CR && chunk[i + 1] !== LF) {
          if (out === chunk) out = Buffer.from(chunk);
          out[i] = LF;
        }
        since = 0;
      } else if (++since > MAX_LINE_BYTES) {
        return this.rebuilt(chunk);
      }
    }
    this.sinceLineEnd = since;
    return out;
  }

  private rebuilt(chunk: Buffer): Buffer {
    const out: number[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === CR || byte === LF) {
        out.push(byte === CR && chunk[i + 1] !== LF ? LF : byte);
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
    return Buffer.from(out);
  }
}
