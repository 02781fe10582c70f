/**
 * What a serial input reports besides its bytes: its state, each loss of the device, and the gap
 * in the data once it is back.
 *
 * Life cycle of one outage: the port is `open` and delivering bytes → it goes silent, errors or
 * closes → one `lost` event (the outage begins; retries are not new losses) → reopen attempts
 * with backoff → the first bytes after a reopen end the outage with one `gap` event.
 */

/**
 * `idle` before start(); `opening` while an open is in flight; `open` while the handle is usable
 * (even if no byte has come yet); `lost` while waiting to retry; `stopped` after stop().
 */
export type SerialState = "idle" | "opening" | "open" | "lost" | "stopped";

/**
 * Why a port counts as lost. `disconnected` is a close the OS reported as a hang-up (a USB adapter
 * pulled, the far end of a pty gone); `silence` is the watchdog, for adapters that vanish without
 * any event at all.
 */
export type SerialLossReason =
  "path-missing" | "open-failed" | "closed" | "disconnected" | "error" | "silence" | "write-failed";

/** The start of an outage, reported once however many retries follow. */
export interface SerialLoss {
  /** The configured device name, e.g. `gps` or `scale`. */
  device: string;
  /** The configured path, e.g. `/dev/serial/by-id/usb-u-blox…`, not what it resolved to. */
  path: string;
  reason: SerialLossReason;
  /** The OS error code when there was one (`EIO`, `ENXIO`, `ENOENT`), else null. */
  code: string | null;
  message: string;
  /** Gateway clock when the loss was detected, epoch ms. */
  atMs: number;
}

/**
 * One hole in a device's data, from the last bytes before the loss to the first bytes after the
 * reopen. When the device had sent nothing before the loss, `fromMs` is when the source started.
 * Bytes a device sends before a reopen completes are discarded (serialport flushes the input
 * queue on open), so `toMs` is the first data the agent could actually read.
 */
export interface SerialGap {
  device: string;
  path: string;
  fromMs: number;
  toMs: number;
  /** The reason of the loss that began the outage. */
  reason: SerialLossReason;
}

/** Counters since start(); cheap to read for a status record. */
export interface SerialStats {
  /** Successful opens, the first one included. */
  opens: number;
  /** Outages begun (each reported by one `lost` event). */
  losses: number;
  /** Retry timer wake-ups during outages: each checks the path and, when it exists, opens it. */
  reopenAttempts: number;
  /** Bytes received. */
  bytes: number;
  /** Gateway clock of the last bytes received, epoch ms; null before any. */
  lastDataMs: number | null;
}

/** The events a SerialSource emits; it never emits `error`. */
export interface SerialSourceEvents {
  /** Raw bytes as read, for consumers that frame the stream themselves. */
  data: [chunk: Buffer];
  /** One line without its delimiter, only when the source was created with `lines: true`. */
  line: [line: string];
  state: [state: SerialState];
  lost: [loss: SerialLoss];
  gap: [gap: SerialGap];
}
