/**
 * The recorder behind `muck-agent record`: opens real serial devices with serialport and writes
 * every chunk the kernel hands over, untouched, with its monotonic receive time (format:
 * recording-format.ts). A device that goes away (an unplugged adapter) is put on record and
 * reopened every second while the other keeps recording. Stopping writes the trailer and resolves
 * once the file is flushed and closed.
 *
 * Going away is seen two ways, because a pulled adapter does not always close the handle: the
 * port's close (a hang-up), and the device path no longer leading to the terminal that was opened
 * (udev removed or re-pointed the link) — checked every second, as the reopening is.
 */
import { createWriteStream, realpathSync, type WriteStream } from "node:fs";
import { once } from "node:events";

import { SerialPort } from "serialport";

import { MuckError } from "../agent/errors.js";
import { logger } from "../agent/log.js";
import {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  entryLine,
  headerLine,
  trailerLine,
  type RecordedPort,
  type RecordingEntry,
} from "./recording-format.js";

export interface RecordedDevice {
  port: RecordedPort;
  path: string;
  baudRate: number;
}

export interface RecordingSummary {
  file: string;
  durationMs: number;
  chunks: Partial<Record<RecordedPort, number>>;
  bytes: Partial<Record<RecordedPort, number>>;
  /** Times each device went away while recording. */
  losses: Partial<Record<RecordedPort, number>>;
}

const REOPEN_EVERY_MS = 1000;
const log = logger("record");

export class RecordingWriter {
  private readonly out: WriteStream;
  private readonly startMs = performance.now();
  private readonly ports = new Map<RecordedPort, SerialPort | null>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly summary: RecordingSummary;
  private stopped = false;

  private constructor(file: string, private readonly devices: RecordedDevice[]) {
    this.out = createWriteStream(file);
    this.summary = { file, durationMs: 0, chunks: {}, bytes: {}, losses: {} };
  }

  /** Opens the file and every device; resolves when all devices are open (or the open failed). */
  static async start(file: string, devices: RecordedDevice[]): Promise<RecordingWriter> {
    const writer = new RecordingWriter(file, devices);
    await once(writer.out, "open");
    const ports = Object.fromEntries(devices.map((d) => [d.port, { path: d.path, baudRate: d.baudRate }]));
    writer.out.write(headerLine({ format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: new Date().toISOString(), ports }));
    for (const device of devices) {
      writer.summary.chunks[device.port] = 0;
      writer.summary.bytes[device.port] = 0;
      writer.summary.losses[device.port] = 0;
    }
    try {
      await Promise.all(devices.map((device) => writer.open(device, true)));
    } catch (error) {
      await writer.stop();
      throw error;
    }
    return writer;
  }

  /** Closes the devices, writes the trailer, flushes and closes the file. */
  async stop(): Promise<RecordingSummary> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all([...this.ports.values()].map((port) => (port?.isOpen ? closePort(port) : undefined)));

    this.summary.durationMs = Math.round(this.nowMs());
    this.out.end(trailerLine({ t: this.nowMs(), end: true, chunks: this.summary.chunks, bytes: this.summary.bytes }));
    await once(this.out, "close");
    return this.summary;
  }

  private nowMs(): number {
    return performance.now() - this.startMs;
  }

  private write(entry: RecordingEntry): void {
    if (!this.stopped) this.out.write(entryLine(entry));
  }

  private async open(device: RecordedDevice, first: boolean): Promise<void> {
    const port = new SerialPort({ path: device.path, baudRate: device.baudRate, autoOpen: false });
    const error = await new Promise<Error | null>((resolve) => port.open((err) => resolve(err ?? null)));
    if (this.stopped) {
      if (error === null) await closePort(port);
      return;
    }
    if (error !== null) {
      // At the start a missing device is the user's mistake; later it is an unplugged one.
      if (first) throw new MuckError("DEVICE_UNAVAILABLE", `${device.path}: ${error.message}`, { cause: error });
      this.retry(device);
      return;
    }

    this.ports.set(device.port, port);
    this.watchPath(device, port, resolvedPath(device.path));
    if (!first) this.write({ t: this.nowMs(), port: device.port, event: "opened" });
    log.info({ port: device.port, path: device.path }, "recording");
    port.on("data", (chunk: Buffer) => this.chunk(device.port, chunk));
    port.on("close", (err?: Error | null) => this.lost(device, port, err ?? null));
    port.on("error", (err: Error) => log.warn({ port: device.port, err: err.message }, "serial error"));
  }

  private chunk(port: RecordedPort, data: Buffer): void {
    // The receive time is taken first, before anything else delays it.
    const t = this.nowMs();
    this.summary.chunks[port]! += 1;
    this.summary.bytes[port]! += data.length;
    this.write({ t, port, data });
  }

  private lost(device: RecordedDevice, port: SerialPort, error: Error | null): void {
    if (this.stopped || this.ports.get(device.port) !== port) return;
    this.ports.set(device.port, null);
    this.summary.losses[device.port]! += 1;
    const entry: RecordingEntry = { t: this.nowMs(), port: device.port, event: "closed" };
    this.write(error === null ? entry : { ...entry, error: error.message });
    log.warn({ port: device.port, path: device.path, err: error?.message }, "device went away; reopening every second");
    this.retry(device);
  }

  /** While `port` is the device's, checks every second that its path still leads to `terminal`. */
  private watchPath(device: RecordedDevice, port: SerialPort, terminal: string | null): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped || this.ports.get(device.port) !== port) return;

      const now = resolvedPath(device.path);
      if (now === terminal) return this.watchPath(device, port, terminal);
      this.lost(device, port, new Error(now === null ? `${device.path} is gone` : `${device.path} now leads to ${now}`));
      if (port.isOpen) void closePort(port);
    }, REOPEN_EVERY_MS);
    this.timers.add(timer);
  }

  private retry(device: RecordedDevice): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.open(device, false);
    }, REOPEN_EVERY_MS);
    this.timers.add(timer);
  }
}

function resolvedPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => port.close(() => resolve()));
}
