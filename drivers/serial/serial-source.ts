/**
 * One serial input that survives its device going away: a USB adapter pulled, a cable shaken
 * loose, a receiver rebooting. Loss is detected by a close, an error, a failed open or write, and
 * by a data-silence watchdog, because a pulled adapter sometimes produces no event at all.
 * Each outage is reported once, the configured path is reopened with backoff once it exists
 * again, and the hole in the data is reported as a gap. Nothing here throws or rejects at the
 * caller because a device went away.
 */
import { EventEmitter } from "node:events";
import { existsSync, realpathSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { SerialPort } from "serialport";

import { logger, type Logger } from "../../agent/log.js";
import { reopenDelayMs } from "./backoff.js";
import type {
  SerialGap,
  SerialLoss,
  SerialLossReason,
  SerialSourceEvents,
  SerialState,
  SerialStats,
} from "./contracts.js";
import { createLineSplitter } from "./line-splitter.js";
import {
  resolveSerialSourceOptions,
  type ResolvedSerialSourceOptions,
  type SerialSourceOptions,
} from "./options.js";
import { closePort, errorCode, openPort, writePort } from "./port-io.js";

export type * from "./contracts.js";
export type { SerialSourceOptions } from "./options.js";

/** The outage in progress: what began it, since when data is missing, failed reopens. */
interface Outage {
  fromMs: number;
  reason: SerialLossReason;
  failedAttempts: number;
}

export class SerialSource extends EventEmitter<SerialSourceEvents> {
  readonly name: string;
  readonly path: string;

  private readonly options: ResolvedSerialSourceOptions;
  private readonly log: Logger;
  private currentState: SerialState = "idle";
  /** The live handle; any event from another handle is stale and ignored. */
  private port: SerialPort | null = null;
  private feedLines: ((chunk: Buffer) => void) | null = null;
  private outage: Outage | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  /** Monotonic ms of the last bytes or the open, whichever is later: what the watchdog measures. */
  private lastHeardMonoMs = 0;
  private startedAtMs = 0;
  private openInFlight: Promise<unknown> = Promise.resolve();
  private closeInFlight: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private readonly counters: SerialStats = {
    opens: 0,
    losses: 0,
    reopenAttempts: 0,
    bytes: 0,
    lastDataMs: null,
  };

  constructor(options: SerialSourceOptions) {
    super();
    this.options = resolveSerialSourceOptions(options);
    this.name = options.name;
    this.path = options.path;
    this.log = logger("serial").child({ device: this.name, path: this.path });
  }

  get state(): SerialState {
    return this.currentState;
  }

  stats(): SerialStats {
    return { ...this.counters };
  }

  /** Opens the port; a missing or failing device is an outage to recover from, not an error. */
  start(): void {
    if (this.currentState !== "idle") return;

    this.startedAtMs = this.options.clock();
    this.reconnect();
  }

  /**
   * Writes to the device (polled indicators). Resolves false when the port is not open or the
   * write failed; a failed write marks the port lost.
   */
  async write(data: Buffer | string): Promise<boolean> {
    const port = this.port;
    if (port === null || this.currentState !== "open") return false;

    const err = await writePort(port, data);
    if (err === null) return true;

    this.lose(port, "write-failed", err);
    return false;
  }

  /** Cancels any retry, closes the port and resolves once the handle is released. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;

    const port = this.port;
    this.port = null;
    this.feedLines = null;
    this.clearTimers();

    this.stopping = (async () => {
      await this.openInFlight;
      if (port !== null) await closePort(port);
      await this.closeInFlight;
      this.log.debug("serial source stopped");
    })();
    this.setState("stopped");
    return this.stopping;
  }

  private reconnect(): void {
    this.connect().catch((err: unknown) => {
      // Every known failure is handled inside connect(); this keeps an unexpected throw from a
      // dependency from becoming an unhandled rejection that would end the agent.
      this.log.error({ err }, "serial connect failed unexpectedly");
      this.lose(this.port, "open-failed", err instanceof Error ? err : new Error(String(err)));
    });
  }

  private async connect(): Promise<void> {
    // A tty is opened with an exclusive lock, so the previous handle must be released first.
    await this.closeInFlight;
    if (this.currentState === "stopped") return;

    if (!existsSync(this.path)) {
      this.lose(
        null,
        "path-missing",
        Object.assign(new Error("no such device path"), { code: "ENOENT" }),
      );
      return;
    }

    const port = new SerialPort({
      path: this.path,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    this.port = port;
    this.listenTo(port);
    const opening = openPort(port);
    this.openInFlight = opening;
    this.setState("opening");
    const openError = await opening;

    // stop() came while the open was in flight: it closes this handle itself.
    if (port !== this.port) return;

    if (openError !== null) {
      this.lose(port, "open-failed", openError);
      return;
    }
    this.onOpened(port);
  }

  private listenTo(port: SerialPort): void {
    port.on("data", (chunk: Buffer) => this.onBytes(port, chunk));
    port.on("error", (err: Error) => this.lose(port, "error", err));
    port.on("close", (err: (Error & { disconnected?: boolean }) | null) => {
      this.lose(port, err?.disconnected === true ? "disconnected" : "closed", err ?? null);
    });
  }

  private onOpened(port: SerialPort): void {
    this.counters.opens += 1;
    this.lastHeardMonoMs = performance.now();

    if (this.options.lines) {
      this.feedLines = createLineSplitter(this.options.delimiter, (line) => {
        if (port === this.port) this.emit("line", line);
      });
    }

    // During an outage an open proves little (a silent device opens fine); recovery is logged
    // when its first bytes arrive.
    const level = this.outage === null ? "info" : "debug";
    this.log[level](
      { resolvedPath: resolvedPath(this.path), baudRate: this.options.baudRate },
      "serial port open",
    );

    this.setState("open");
    this.armWatchdog(port);
  }

  private onBytes(port: SerialPort, chunk: Buffer): void {
    if (port !== this.port) return;

    const nowMs = this.options.clock();
    this.lastHeardMonoMs = performance.now();
    this.counters.bytes += chunk.length;
    this.counters.lastDataMs = nowMs;

    if (this.outage !== null) this.endOutage(nowMs);

    // A listener may have stopped the source.
    if (port !== this.port) return;
    this.emit("data", chunk);
    this.feedLines?.(chunk);
  }

  private endOutage(toMs: number): void {
    if (this.outage === null) return;

    const gap: SerialGap = {
      device: this.name,
      path: this.path,
      fromMs: this.outage.fromMs,
      toMs,
      reason: this.outage.reason,
    };
    this.outage = null;

    this.log.info(
      { reason: gap.reason, gapMs: gap.toMs - gap.fromMs, resolvedPath: resolvedPath(this.path) },
      "serial port recovered",
    );
    this.emit("gap", gap);
  }

  /** Marks the live handle lost: reports the outage once, releases the handle, retries later. */
  private lose(port: SerialPort | null, reason: SerialLossReason, err: Error | null): void {
    if (this.currentState === "stopped" || port !== this.port) return;

    this.port = null;
    this.feedLines = null;
    this.clearTimers();
    if (port !== null) this.closeInFlight = closePort(port);

    const code = errorCode(err);
    const message = err?.message ?? reason;

    if (this.outage === null) {
      this.reportLoss(reason, code, message);
    } else {
      this.outage.failedAttempts += 1;
      this.log.debug(
        { reason, code, err: message, failedAttempts: this.outage.failedAttempts },
        "reopen failed",
      );
      this.setState("lost");
    }

    this.scheduleReopen();
  }

  private reportLoss(reason: SerialLossReason, code: string | null, message: string): void {
    // With no bytes yet, the data has been missing since start().
    const fromMs = this.counters.lastDataMs ?? this.startedAtMs;
    this.outage = { fromMs, reason, failedAttempts: 0 };
    this.counters.losses += 1;

    const loss: SerialLoss = {
      device: this.name,
      path: this.path,
      reason,
      code,
      message,
      atMs: this.options.clock(),
    };
    this.log.warn(
      { reason, code, err: message, lastDataMs: this.counters.lastDataMs },
      "serial port lost",
    );

    this.setState("lost");
    this.emit("lost", loss);
  }

  private scheduleReopen(): void {
    if (this.currentState !== "lost" || this.outage === null) return;

    const { reopenMinMs, reopenMaxMs } = this.options;
    const delayMs = reopenDelayMs(this.outage.failedAttempts, reopenMinMs, reopenMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.counters.reopenAttempts += 1;
      this.reconnect();
    }, delayMs);
  }

  /** One timer per open handle, re-armed for the time left rather than reset on every chunk. */
  private armWatchdog(port: SerialPort): void {
    if (port !== this.port) return;

    const silenceMs = this.options.silenceTimeoutS * 1000;
    const dueInMs = this.lastHeardMonoMs + silenceMs - performance.now();
    this.watchdogTimer = setTimeout(
      () => {
        this.watchdogTimer = null;
        if (performance.now() - this.lastHeardMonoMs < silenceMs) {
          this.armWatchdog(port);
          return;
        }
        const err = new Error(`no data for ${this.options.silenceTimeoutS} s`);
        this.lose(port, "silence", err);
      },
      Math.max(1, Math.ceil(dueInMs)),
    );
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.watchdogTimer !== null) clearTimeout(this.watchdogTimer);
    this.retryTimer = null;
    this.watchdogTimer = null;
  }

  private setState(next: SerialState): void {
    if (next === this.currentState) return;

    this.currentState = next;
    this.emit("state", next);
  }
}

/** What a stable `/dev/serial/by-id/…` link points at right now (`/dev/ttyUSB1`), for logs. */
function resolvedPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
