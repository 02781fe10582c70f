/**
 * A virtual serial device: a pseudo-terminal behind a stable symbolic link, which the agent opens
 * exactly like `/dev/serial/by-id/usb-…` on a truck. Unplugging removes the link; replugging
 * brings up a new terminal under a different `/dev/pts/N` and re-points the same link, as udev
 * does when an adapter comes back as another ttyUSB number.
 *
 * Two ways to pull the plug, because real adapters do both:
 * - `hangup`: the terminal is torn down; the agent's open handle sees a disconnect (serialport
 *   closes it with `disconnected: true`).
 * - `silent`: the link goes but the old terminal lingers without a byte, so the agent's handle
 *   sees nothing at all; only its data-silence watchdog can notice. The old terminal is released
 *   on replug or close. Limitation: the agent's writes into it still succeed (a real pulled
 *   adapter would fail them with EIO or ENXIO), so this mode exercises only the watchdog.
 */
import { EventEmitter } from "node:events";
import { renameSync, unlinkSync } from "node:fs";

import { SimulatorError, spawnSocatPty, type SocatPty } from "./pty-socat.js";

export { SimulatorError, type SimulatorErrorCode } from "./pty-socat.js";

export type UnplugMode = "hangup" | "silent";

export interface VirtualSerialDeviceOptions {
  /** The stable path the agent opens; a symbolic link this device owns and re-points. */
  devicePath: string;
  /** socat executable. Default `socat` from PATH. */
  socatPath?: string;
  /** How long socat may take to bring a terminal up, milliseconds. Default 5000. */
  startTimeoutMs?: number;
}

export interface VirtualSerialDeviceEvents {
  /** Bytes the agent wrote to the device (a poll command, for instance). */
  data: [chunk: Buffer];
}

export class VirtualSerialDevice extends EventEmitter<VirtualSerialDeviceEvents> {
  readonly devicePath: string;

  private readonly socatPath: string;
  private readonly startTimeoutMs: number;
  private current: SocatPty | null = null;
  /** Terminals unplugged silently, still open until replug or close. */
  private lingering: SocatPty[] = [];
  private lastPtsPath: string | null = null;
  private plugCount = 0;
  private closed = false;

  /** Creates the device plugged in: the link exists and the terminal is raw when this resolves. */
  static async create(options: VirtualSerialDeviceOptions): Promise<VirtualSerialDevice> {
    const device = new VirtualSerialDevice(options);
    await device.plugIn();
    return device;
  }

  private constructor(options: VirtualSerialDeviceOptions) {
    super();
    // socat reads `,` and `:` as address syntax: such a path would silently mean something else.
    if (/[,:!]/.test(options.devicePath)) {
      throw new SimulatorError(
        "BAD_DEVICE_PATH",
        `${options.devicePath}: a virtual device path may not contain ",", ":" or "!"`,
      );
    }
    this.devicePath = options.devicePath;
    this.socatPath = options.socatPath ?? "socat";
    this.startTimeoutMs = options.startTimeoutMs ?? 5000;
  }

  /** The terminal behind the link right now, e.g. `/dev/pts/7`; null while unplugged. */
  get ptsPath(): string | null {
    return this.current?.ptsPath ?? null;
  }

  get plugged(): boolean {
    return this.current !== null;
  }

  /** Sends bytes to the agent as the device would. Resolves false while unplugged. */
  write(data: Buffer | string): Promise<boolean> {
    return this.current === null ? Promise.resolve(false) : this.current.write(data);
  }

  async unplug(mode: UnplugMode = "hangup"): Promise<void> {
    const pty = this.current;
    if (pty === null) return;

    this.current = null;
    unlinkQuietly(this.devicePath);

    if (mode === "hangup") await pty.kill();
    else this.lingering.push(pty);
  }

  /** Plugs the device back in under a new terminal; a plugged device is hung up first. */
  async replug(): Promise<void> {
    if (this.closed)
      throw new SimulatorError("SOCAT_FAILED", `${this.devicePath}: device is closed`);

    await this.unplug("hangup");
    await this.plugIn();
  }

  /** Removes the link and every terminal this device made. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;

    const ptys = [...this.lingering, ...(this.current === null ? [] : [this.current])];
    this.current = null;
    this.lingering = [];
    unlinkQuietly(this.devicePath);

    await Promise.all(ptys.map((pty) => pty.kill()));
  }

  private async plugIn(): Promise<void> {
    let pty = await this.spawnPty();

    // The kernel hands out the lowest free pts number, so a terminal torn down by a hangup would
    // come straight back under the same name; holding it while taking another forces a new one.
    if (pty.ptsPath === this.lastPtsPath) {
      const held = pty;
      try {
        pty = await this.spawnPty();
      } finally {
        await held.kill();
      }
    }

    // rename() replaces the stable link atomically: an agent polling the path never sees it
    // missing or half-made.
    renameSync(pty.linkPath, this.devicePath);
    this.current = pty;
    this.lastPtsPath = pty.ptsPath;

    const lingering = this.lingering;
    this.lingering = [];
    await Promise.all(lingering.map((old) => old.kill()));
  }

  private spawnPty(): Promise<SocatPty> {
    this.plugCount += 1;
    const linkPath = `${this.devicePath}.plug-${process.pid}-${this.plugCount}`;

    const pty = spawnSocatPty({
      linkPath,
      socatPath: this.socatPath,
      startTimeoutMs: this.startTimeoutMs,
      onData: (chunk) => {
        if (this.current !== null && this.current.linkPath === linkPath) this.emit("data", chunk);
      },
    });
    return pty;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
