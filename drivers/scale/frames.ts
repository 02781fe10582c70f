/**
 * The scale frame splitter: serial bytes in, arriving in chunks split anywhere; frames out.
 *
 * Line framing (continuous ASCII, SICS): a frame ends at CR LF, LF, or CR alone — indicators
 * differ and some are configured to send CR only. Empty lines (the LF of a CR LF) are skipped.
 *
 * STX framing (Toledo continuous): a frame starts at STX (0x02) and ends at CR (0x0D). Neither
 * byte can occur inside: the status words always have bit 5 set and the data fields are ASCII
 * digits or spaces. Bit 7 is ignored when looking for STX and CR, since it may be a parity bit.
 * The optional checksum byte after CR can be any 7-bit value, so after a CR the splitter waits
 * for one more byte: STX means "no checksum, next frame", anything else is the checksum and
 * closes the frame. Without checksums a frame is therefore released when the next frame's STX
 * arrives, one frame period later. A checksum that happens to equal STX looks like an empty
 * frame start and is dropped silently when the real STX follows, leaving that frame unchecked.
 *
 * Every drop is reported, never thrown:
 *   partial   the bytes before the first boundary after opening: the tail of a frame the agent
 *             joined late. Counted at most once. A line stream that opens exactly on a frame
 *             start loses that whole frame, since nothing in a line marks where it began.
 *   overlong  more than `maxFrameBytes` without a boundary; the rest is discarded up to the
 *             next boundary and not counted again.
 *   badFrame  a Toledo frame cut short by a new STX, or bytes between Toledo frames.
 */
import type { Framing } from "./codec.js";

export const STX = 0x02;
export const CR = 0x0d;
export const LF = 0x0a;

/** No frame of the supported formats comes near this; a line longer than it is garbage. */
export const DEFAULT_MAX_FRAME_BYTES = 128;

export type DropKind = "partial" | "overlong" | "badFrame";

export type SplitEvent =
  | { type: "frame"; frame: Buffer }
  | { type: "drop"; kind: DropKind; bytes: Buffer };

export interface FrameSplitterOptions {
  framing: Framing;
  /** Longest frame accepted, in bytes including STX/CR/checksum; default 128. */
  maxFrameBytes?: number;
}

type StxState = "between" | "inFrame" | "afterCr";

export class FrameSplitter {
  readonly framing: Framing;
  private readonly maxFrameBytes: number;
  private readonly buffer: Buffer;
  private length = 0;
  /** False until the first boundary after opening: bytes so far are a partial frame. */
  private synced = false;
  /** After an overlong drop: discard quietly up to the next boundary. */
  private discarding = false;
  private stxState: StxState = "between";

  constructor(options: FrameSplitterOptions) {
    this.framing = options.framing;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    // One spare byte: a Toledo checksum may follow a CR that filled the buffer.
    this.buffer = Buffer.alloc(this.maxFrameBytes + 1);
  }

  /** Feed one chunk; returns the frames and drops it completed, in stream order. */
  push(chunk: Buffer): SplitEvent[] {
    const events: SplitEvent[] = [];
    for (const byte of chunk) {
      if (this.framing === "line") this.lineByte(byte, events);
      else this.stxByte(byte, events);
    }
    return events;
  }

  /**
   * Declare that the next byte starts a frame. The SICS driver calls this when it sends its
   * first request: a polled scale is silent until asked, so its first reply begins at a
   * boundary and must not be dropped as a partial. Bytes already buffered are that partial.
   */
  markFrameStart(): SplitEvent[] {
    if (this.synced) return [];

    const events: SplitEvent[] = [];
    if (this.length > 0 && !this.discarding) events.push(this.drop("partial"));
    this.synced = true;
    this.discarding = false;
    this.length = 0;
    return events;
  }

  /**
   * Back to the state after opening, for a port that closed and will reopen: the bytes buffered
   * are a frame the close cut short (reported as partial), and the next opening may again
   * start mid-frame.
   */
  reset(): SplitEvent[] {
    const events: SplitEvent[] = [];
    if (this.length > 0 && !this.discarding) events.push(this.drop("partial"));
    this.length = 0;
    this.synced = false;
    this.discarding = false;
    this.stxState = "between";
    return events;
  }

  private lineByte(byte: number, events: SplitEvent[]): void {
    if (byte === CR || byte === LF) {
      if (!this.synced) {
        if (this.length > 0 && !this.discarding) events.push(this.drop("partial"));
        this.synced = true;
      } else if (this.length > 0 && !this.discarding) {
        events.push({ type: "frame", frame: this.take() });
      }

      this.length = 0;
      this.discarding = false;
      return;
    }

    this.append(byte, events);
  }

  private stxByte(byte: number, events: SplitEvent[]): void {
    // Bit 7 may be a parity bit (see toledo.ts); STX and CR are recognised without it.
    const code = byte & 0x7f;

    if (this.stxState === "afterCr") {
      if (code === STX) {
        events.push({ type: "frame", frame: this.take() });
        this.startStxFrame(byte);
      } else {
        this.buffer[this.length++] = byte;
        events.push({ type: "frame", frame: this.take() });
        this.stxState = "between";
      }
      return;
    }

    if (code === STX) {
      this.endRunBeforeStx(events);
      this.startStxFrame(byte);
      return;
    }

    // Between frames the bytes are a stray run, reported when the next STX ends it.
    this.append(byte, events);
    if (code === CR && this.stxState === "inFrame") this.stxState = "afterCr";
  }

  /** An STX arrived: whatever was buffered before it is a drop of some kind, or nothing. */
  private endRunBeforeStx(events: SplitEvent[]): void {
    const lone = this.stxState === "inFrame" && this.length === 1;
    if (this.length > 0 && !this.discarding && !lone) {
      events.push(this.drop(this.synced ? "badFrame" : "partial"));
    }
    this.synced = true;
    this.discarding = false;
  }

  /** Keeps the STX byte as received, parity bit and all, like every other byte of the frame. */
  private startStxFrame(stx: number): void {
    this.length = 0;
    this.buffer[this.length++] = stx;
    this.stxState = "inFrame";
  }

  /** Buffer one byte, or drop the whole run as overlong when the buffer is full. */
  private append(byte: number, events: SplitEvent[]): void {
    if (this.discarding) return;

    if (this.length === this.maxFrameBytes) {
      events.push(this.drop("overlong"));
      this.discarding = true;
      this.stxState = "between";
      return;
    }

    this.buffer[this.length++] = byte;
  }

  private drop(kind: DropKind): SplitEvent {
    return { type: "drop", kind, bytes: this.take() };
  }

  /** A copy of the buffered bytes; the buffer is reused. */
  private take(): Buffer {
    const bytes = Buffer.from(this.buffer.subarray(0, this.length));
    this.length = 0;
    return bytes;
  }
}
