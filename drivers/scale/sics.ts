/**
 * Mettler-Toledo SICS (Standard Interface Command Set, level 0) in poll mode: the agent sends a
 * command line, the scale answers with one reply line. Field map, after the MT-SICS reference
 * manual's level-0 commands:
 *
 *   agent → scale   SI<CR><LF>   send the current weight now, stable or not
 *                   S<CR><LF>    send the next stable weight
 *
 *   scale → agent   S S     100.00 kg   stable weight (reply to S or SI)
 *                   │ │ └─ value right-aligned in 10 characters, `-` for negative; then unit
 *                   │ └─ status: S stable | D dynamic (in motion, SI only)
 *                   └─ echo of the command family (weight)
 *                   S I     command understood but not executable now (busy, never stable)
 *                   S +     over the weighing range
 *                   S -     under the weighing range
 *                   ES      syntax error: command not recognised
 *                   ET      transmission error (parity, overlong line)
 *                   EL      logical error: command cannot be executed
 *
 * Replies end with CR LF (some scales are set to CR alone; see frames.ts).
 * S and SI report the net weight — the displayed value after any tare — so readings are `net`;
 * with no tare set it equals gross, but this format cannot say whether a tare is set.
 */
import type { Decoded, EncodeOptions, ScaleCodec, ScaleReading } from "./codec.js";
import { formatMagnitude, fromKg, parseUnit, toKg, type WeightUnit } from "./units.js";

export type SicsCommand = "S" | "SI";

export const SICS_COMMANDS: readonly SicsCommand[] = ["S", "SI"];

/** Replies that carry no weight: S I, S +, S -, ES, ET, EL. */
export type SicsStatusReply =
  | "busy"
  | "overload"
  | "underload"
  | "syntaxError"
  | "transmissionError"
  | "logicalError";

export type SicsReply =
  | { type: "weight"; stable: boolean; weightKg: number; unit?: WeightUnit }
  | { type: SicsStatusReply };

const WEIGHT_REPLY = /^S\s+([SD])\s+([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]+)\s*$/;
const STATUS_REPLY = /^S\s+([I+-])\s*$/;
const ERROR_REPLY = /^E[STL]\s*$/;

/** The text of each reply that carries no weight. */
const FIXED_REPLIES: Record<SicsStatusReply, string> = {
  busy: "S I",
  overload: "S +",
  underload: "S -",
  syntaxError: "ES",
  transmissionError: "ET",
  logicalError: "EL",
};

function decode(frame: Buffer): Decoded {
  const text = frame.toString("latin1");

  const weight = WEIGHT_REPLY.exec(text);
  if (weight !== null) {
    const [, status, sign, digits = "", unitText = ""] = weight;
    const unit = parseUnit(unitText);
    if (unit === null) return { fault: "unknownUnit" };

    const magnitude = Number(digits);
    const signed = sign === "-" && magnitude !== 0 ? -magnitude : magnitude;
    const stable = status === "S";
    const weightKg = toKg(signed, unit);
    return { weightKg, kind: "net", stable, overload: false, underload: false, error: false };
  }

  const status = STATUS_REPLY.exec(text)?.[1];
  if (status === "I") return { fault: "busy" };
  if (status === "+") return outOfRange(false);
  if (status === "-") return outOfRange(true);

  if (ERROR_REPLY.test(text)) return { fault: "error" };
  return { fault: "badFrame" };
}

/** Over or under range: a reading with no meaningful weight, so detectors see the flag. */
function outOfRange(underload: boolean): ScaleReading {
  const overload = !underload;
  return { weightKg: NaN, kind: "net", stable: false, overload, underload, error: underload };
}

/** One reply line as a scale sends it, CR LF included. */
export function encodeReply(reply: SicsReply): Buffer {
  if (reply.type !== "weight") return Buffer.from(`${FIXED_REPLIES[reply.type]}\r\n`, "latin1");

  const unit = reply.unit ?? "kg";
  const value = fromKg(reply.weightKg, unit);
  const signed = `${value < 0 ? "-" : ""}${formatMagnitude(value, 6)}`;
  return Buffer.from(`S ${reply.stable ? "S" : "D"} ${signed.padStart(10)} ${unit}\r\n`, "latin1");
}

/** The command line the driver writes to poll. */
export function encodeCommand(command: SicsCommand): Buffer {
  return Buffer.from(`${command}\r\n`, "latin1");
}

/** A command line (without terminator) as the simulator receives it; null if not S or SI. */
export function parseCommand(line: Buffer | string): SicsCommand | null {
  const text = (typeof line === "string" ? line : line.toString("latin1")).trim();
  return (SICS_COMMANDS as readonly string[]).includes(text) ? (text as SicsCommand) : null;
}

/**
 * How a scale showing `reading` answers one command line. `S` asks for a stable weight: a real
 * scale waits for stability until its own timeout and then answers `S I`; the simulator
 * answers at once, as a scale whose timeout has expired. A reading flagged error (the scale
 * cannot weigh at all) is answered `EL`.
 */
export function replyTo(
  commandLine: Buffer | string,
  reading: ScaleReading,
  unit?: WeightUnit,
): Buffer {
  const command = parseCommand(commandLine);
  if (command === null) return encodeReply({ type: "syntaxError" });
  return encodeReply(replyFor(command, reading, unit));
}

function replyFor(command: SicsCommand, reading: ScaleReading, unit?: WeightUnit): SicsReply {
  if (reading.overload) return { type: "overload" };
  if (reading.underload === true) return { type: "underload" };
  if (reading.error) return { type: "logicalError" };
  if (command === "S" && !reading.stable) return { type: "busy" };

  return { type: "weight", stable: reading.stable, weightKg: reading.weightKg, unit };
}

/** The reply to `SI` for this reading: what a polled scale streams back. */
function encode(reading: ScaleReading, options: EncodeOptions = {}): Buffer {
  return encodeReply(replyFor("SI", reading, options.unit));
}

export const sics = {
  id: "sics",
  framing: "line",
  kinds: ["net"],
  decode,
  encode,
} as const satisfies ScaleCodec;
