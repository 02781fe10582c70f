/**
 * Byte-level writing and reading for the compact formats (batched backfill, thinning digests):
 * unsigned LEB128 varints, zigzag for signed values, raw bytes and length-prefixed strings.
 * Values are JavaScript numbers up to 2^53; varints of those take at most 8 bytes.
 */

export class ByteWriter {
  private chunks: number[] = [];
  private buffers: Buffer[] = [];

  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
    let rest = value;
    while (rest >= 0x80) {
      this.chunks.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.chunks.push(rest);
    return this;
  }

  /** Signed: 0, -1, 1, -2, … → 0, 1, 2, 3, … so small values of either sign stay one byte. */
  int(value: number): this {
    return this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  byte(value: number): this {
    this.chunks.push(value & 0xff);
    return this;
  }

  bytes(data: Buffer): this {
    this.flushChunks();
    this.buffers.push(data);
    return this;
  }

  float(value: number): this {
    const data = Buffer.alloc(8);
    data.writeDoubleLE(value);
    return this.bytes(data);
  }

  string(text: string): this {
    const data = Buffer.from(text, "utf8");
    return this.uint(data.length).bytes(data);
  }

  toBuffer(): Buffer {
    this.flushChunks();
    return Buffer.concat(this.buffers);
  }

  private flushChunks(): void {
    if (this.chunks.length === 0) return;
    this.buffers.push(Buffer.from(this.chunks));
    this.chunks = [];
  }
}

export class ByteReader {
  private at = 0;

  constructor(private readonly data: Buffer) {}

  get done(): boolean {
    return this.at >= this.data.length;
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError("varint too long");
    }
  }

  int(): number {
    const zigzag = this.uint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  byte(): number {
    if (this.at >= this.data.length) throw new RangeError("unexpected end of data");
    return this.data[this.at++]!;
  }

  bytes(length: number): Buffer {
    if (this.at + length > this.data.length) throw new RangeError("unexpected end of data");
    const out = this.data.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  float(): number {
    return this.bytes(8).readDoubleLE(0);
  }

  string(): string {
    return this.bytes(this.uint()).toString("utf8");
  }
}
