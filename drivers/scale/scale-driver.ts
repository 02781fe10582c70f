/**
 * The load-cell driver: serial bytes from the weighing indicator in, WeightSample out.
 *
 *   push(bytes) ─▶ FrameSplitter ─▶ codec.decode ─▶ 'sample' (WeightSample)
 *                        │                 └──────▶ 'fault' ({ kind, frame }) + counter
 *                        └─ drops (partial, overlong, badFrame) ─▶ 'fault' + counter
 *
 * Continuous formats (ascii, toledo) need only push(). SICS is polled: attach() a writer and
 * start() the poll timer. Nothing here throws on input; every rejected frame is counted, logged
 * at debug and emitted as a 'fault'. An overload, underload or error frame yields both: a
 * sample with its flag set (what detectors read; weightKg is NaN when the frame had no number)
 * and a fault of that kind (what diagnostics count).
 *
 * Which weight: the agent works on gross weight by default. Gross is what the axles carry and
 * what overload law measures, and the truck driver cannot zero it by pressing TARE on the
 * indicator; net depends on a tare the driver can set at any time. Samples of the other kind
 * are still emitted, carrying their kind, so a consumer decides — the driver never relabels.
 */
import { EventEmitter } from "node:events";
import type { WeightKind, WeightSample } from "../../agent/contracts.js";
import { logger, type Logger } from "../../agent/log.js";
import { isoTime } from "../../agent/iso-time.js";
import { FAULT_KINDS, isFault, type FaultKind, type ScaleCodec } from "./codec.js";
import { FrameSplitter, type SplitEvent } from "./frames.js";
import { SCALE_CODECS, SCALE_PROTOCOLS, type ScaleProtocol } from "./registry.js";
import { encodeCommand, SICS_COMMANDS, type SicsCommand } from "./sics.js";

export interface ScaleDriverOptions {
  /** Frame format the indicator sends: "ascii", "sics" or "toledo". No default. */
  protocol: ScaleProtocol;
  /** Weight the agent acts on; default "gross" (see the file header for why). */
  weight?: WeightKind;
  /** SICS only: milliseconds between polls; default 500. A poll times out after two. */
  pollIntervalMs?: number;
  /** SICS only: "SI" (current weight, stable or not) or "S" (stable weight); default "SI". */
  sicsCommand?: SicsCommand;
  /** Gateway clock in epoch ms, stamped on each sample; default Date.now. */
  clock?: () => number;
}

export interface ScaleFaultEvent {
  kind: FaultKind;
  /** The frame or dropped bytes (for a timeout, the unanswered command). */
  frame: Buffer;
}

export interface ScaleDriverEvents {
  sample: [WeightSample];
  fault: [ScaleFaultEvent];
}

/** Anything that takes bytes: a SerialPort, a pty, a test double. */
export interface PortWriter {
  write(data: Buffer): unknown;
}

const DEFAULT_POLL_INTERVAL_MS = 500;

/** Polls a reply may take before it counts as lost: two intervals, per the driver's contract. */
const TIMEOUT_TICKS = 2;

export class ScaleDriver extends EventEmitter<ScaleDriverEvents> {
  readonly protocol: ScaleProtocol;
  readonly weight: WeightKind;
  readonly pollIntervalMs: number;
  readonly sicsCommand: SicsCommand;
  private readonly codec: ScaleCodec;
  private readonly splitter: FrameSplitter;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly faultCounts = zeroCounts();
  private readonly kindsWarned = new Set<WeightKind>();
  private port: PortWriter | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private awaitingReply = false;
  private ticksAwaiting = 0;

  constructor(options: ScaleDriverOptions) {
    super();
    validateOptions(options);

    this.protocol = options.protocol;
    this.weight = options.weight ?? "gross";
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.sicsCommand = options.sicsCommand ?? "SI";
    this.codec = SCALE_CODECS[options.protocol];
    this.splitter = new FrameSplitter({ framing: this.codec.framing });
    this.clock = options.clock ?? Date.now;
    this.log = logger("scale");
  }

  /** Feed bytes as they come off the port, in chunks split anywhere. */
  push(chunk: Buffer): void {
    this.handle(this.splitter.push(chunk));
  }

  /** Give the driver a writer for SICS polls; replaces any earlier one. */
  attach(port: PortWriter): void {
    this.port = port;
  }

  /**
   * The port closed: forget the writer (polls pause until the next attach()) and the bytes of
   * the unfinished frame; after reopening, the first partial frame is dropped and counted again.
   */
  detach(): void {
    this.port = null;
    this.awaitingReply = false;
    this.handle(this.splitter.reset());
  }

  /** Start polling: at once, then every interval. SICS only; continuous formats need no timer. */
  start(): void {
    if (this.protocol !== "sics" || this.pollTimer !== null) return;

    this.poll();
    this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
  }

  stop(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.awaitingReply = false;
  }

  /** Fault counts since construction, by kind; every kind is present. */
  counters(): Record<FaultKind, number> {
    return { ...this.faultCounts };
  }

  /**
   * One poll tick. At most one request is outstanding: a scale that stops answering gets one
   * request per two intervals, not a queue of them to answer in a burst when it recovers.
   */
  private poll(): void {
    if (this.port === null) return;

    const command = encodeCommand(this.sicsCommand);
    if (this.awaitingReply) {
      this.ticksAwaiting += 1;
      if (this.ticksAwaiting < TIMEOUT_TICKS) return;
      this.fault("timeout", command);
    }

    // A polled scale is silent until asked, so its reply begins at a frame boundary.
    this.handle(this.splitter.markFrameStart());

    // Marked before writing: a writer may deliver the reply before write() returns.
    this.awaitingReply = true;
    this.ticksAwaiting = 0;
    try {
      this.port.write(command);
    } catch (error) {
      this.awaitingReply = false;
      this.fault("writeError", command);
      this.log.debug({ err: error }, "writing the SICS poll failed");
    }
  }

  private handle(events: SplitEvent[]): void {
    for (const event of events) {
      if (event.type === "drop") this.fault(event.kind, event.bytes);
      else this.frame(event.frame);
    }
  }

  private frame(frame: Buffer): void {
    // Any complete line is the scale's answer, even one we cannot read.
    this.awaitingReply = false;

    const decoded = this.codec.decode(frame);
    if (isFault(decoded)) {
      this.fault(decoded.fault, frame);
      return;
    }

    const { weightKg, kind, stable, overload, error } = decoded;
    const time = isoTime(this.clock());
    this.warnOnOtherKind(kind);
    this.emit("sample", { time, weightKg, kind, stable, overload, error });

    if (overload) this.fault("overload", frame);
    if (decoded.underload === true) this.fault("underload", frame);
    else if (error) this.fault("error", frame);
  }

  private fault(kind: FaultKind, frame: Buffer): void {
    this.faultCounts[kind] += 1;
    this.log.debug({ kind, frame: frame.toString("latin1") }, "scale fault");
    this.emit("fault", { kind, frame });
  }

  /** Once per kind: a mismatch is a configuration matter, not a per-frame event. */
  private warnOnOtherKind(kind: WeightKind): void {
    if (kind === this.weight || this.kindsWarned.has(kind)) return;

    this.kindsWarned.add(kind);
    this.log.warn(
      { configured: this.weight, reported: kind, protocol: this.protocol },
      "indicator reports a different weight kind than configured; samples keep their own kind",
    );
  }
}

function zeroCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
}

function validateOptions(options: ScaleDriverOptions): void {
  if (!SCALE_PROTOCOLS.includes(options.protocol)) {
    const known = SCALE_PROTOCOLS.join(", ");
    throw new TypeError(`scale protocol must be one of ${known}, got ${String(options.protocol)}`);
  }
  if (options.weight !== undefined && options.weight !== "gross" && options.weight !== "net") {
    throw new TypeError(`scale weight must be "gross" or "net", got ${String(options.weight)}`);
  }
  const intervalMs = options.pollIntervalMs;
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new TypeError(`scale pollIntervalMs must be a positive number of ms, got ${intervalMs}`);
  }
  if (options.sicsCommand !== undefined && !SICS_COMMANDS.includes(options.sicsCommand)) {
    const command = String(options.sicsCommand);
    throw new TypeError(`scale sicsCommand must be "SI" or "S", got ${command}`);
  }
}
