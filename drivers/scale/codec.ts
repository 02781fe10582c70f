/**
 * The one shape every scale frame format has, and the fault kinds the scale driver counts.
 *
 * A codec turns one frame (as cut by frames.ts) into a reading or a fault, and turns a reading
 * back into a frame so the simulator can play an indicator. Codecs are pure: no I/O, no clock,
 * no logging; they never throw on bad input.
 */
import type { WeightKind } from "../../agent/contracts.js";
import type { WeightUnit } from "./units.js";

/**
 * What one frame says about the weight, before the driver stamps the arrival time.
 * It is a WeightSample without `time`, plus `underload`, which the contract folds into `error`.
 */
export interface ScaleReading {
  /**
   * Kilograms. NaN when the frame carries no number (SICS `S +` / `S -`, an `OL` frame without
   * digits): an over- or under-range reading has no meaningful weight, and NaN cannot be
   * mistaken for one.
   */
  weightKg: number;
  kind: WeightKind;
  stable: boolean;
  overload: boolean;
  /** Below the indicator's range (load cell pulled, wiring fault); `error` is also set. */
  underload?: boolean;
  error: boolean;
}

/**
 * Why a frame, or a run of bytes, produced no trustworthy reading — or which alarm condition a
 * reading carried (overload, underload, error). These are the names of the driver's counters.
 */
export const FAULT_KINDS = [
  /** Bytes before the first frame boundary after opening: the tail of a frame we joined late. */
  "partial",
  /** A frame (or a run of bytes between frames) that does not parse as the configured format. */
  "badFrame",
  /** More bytes than any frame can hold without a boundary: dropped up to the next boundary. */
  "overlong",
  /** A well-formed frame in a unit the agent does not convert (oz, custom units, …). */
  "unknownUnit",
  /** Toledo frame whose checksum byte does not match: line noise corrupted it. */
  "checksum",
  /** The indicator reported its upper range exceeded (ASCII `OL`, SICS `S +`, Toledo). */
  "overload",
  /** The indicator reported a reading below its range (SICS `S -`, Toledo, `OL` with minus). */
  "underload",
  /** SICS `S I`: the scale could not give a weight now (still settling, busy). */
  "busy",
  /** SICS `ES`, `ET`, `EL` (syntax, transmission, logical error), or a reading flagged error. */
  "error",
  /** A SICS poll got no reply within two poll intervals. */
  "timeout",
  /** Writing a SICS poll to the port threw. */
  "writeError",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** A frame that yields no reading. */
export interface ScaleFault {
  fault: FaultKind;
}

export type Decoded = ScaleReading | ScaleFault;

/** How the byte stream is cut into frames: text lines, or STX … CR binary frames. */
export type Framing = "line" | "stx";

export interface EncodeOptions {
  /** Unit the encoded frame displays; default kg. */
  unit?: WeightUnit;
}

export interface ScaleCodec {
  id: string;
  framing: Framing;
  /** Weight kinds the format can say; SICS `S`/`SI` only ever report net. */
  kinds: readonly WeightKind[];
  /** One frame, without its line terminator (line framing) or from STX on (stx framing). */
  decode(frame: Buffer): Decoded;
  /** A complete frame including its terminator, as the indicator would send it. */
  encode(reading: ScaleReading, options?: EncodeOptions): Buffer;
}

export function isFault(decoded: Decoded): decoded is ScaleFault {
  return "fault" in decoded;
}
