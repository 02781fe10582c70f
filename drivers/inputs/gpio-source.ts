/**
 * A level read from a GPIO line through the Linux character device (/dev/gpiochipN), using
 * node-libgpiod (bindings to libgpiod 1.x). The sysfs GPIO interface is deprecated, so this is
 * the way to read a line on current kernels; a kernel that still has sysfs can use the value-file
 * source on /sys/class/gpio/gpioN/value instead.
 *
 * node-libgpiod is an optional dependency: it compiles against libgpiod-dev when npm installs
 * it, and a machine without that header gets the agent without GPIO. Then a gpio input reports
 * `unreadable` with the reason, instead of the agent refusing to start over a switch.
 *
 * A GPIO line has no "disconnected" state of its own: a cut wire reads as the pull resistor's
 * level. `disconnected` here means the chip or line cannot be opened; a cut wire shows only
 * through the stuck check.
 */
import { createRequire } from "node:module";
import type { LevelReading, LevelSource } from "./contracts.js";

/** The part of node-libgpiod this source uses. */
interface GpiodLine {
  requestInputMode(consumer?: string): unknown;
  getValue(): number;
  release(): unknown;
}

interface Gpiod {
  Chip: new (device: string) => object;
  Line: new (chip: object, offset: number) => GpiodLine;
}

const CONSUMER = "muck-agent";

let gpiod: Gpiod | Error | undefined;

/** node-libgpiod, or the error that says why it cannot be loaded. */
export function loadGpiod(): Gpiod | Error {
  if (gpiod !== undefined) return gpiod;
  try {
    gpiod = createRequire(import.meta.url)("node-libgpiod") as Gpiod;
  } catch (error) {
    gpiod = error instanceof Error ? error : new Error(String(error));
  }
  return gpiod;
}

export class GpioSource implements LevelSource {
  readonly address: string;
  private line: GpiodLine | null = null;

  constructor(
    private readonly chip: string,
    private readonly offset: number,
  ) {
    this.address = `${chip} line ${offset}`;
  }

  async read(): Promise<LevelReading> {
    const library = loadGpiod();
    if (library instanceof Error) {
      const fix = "install libgpiod-dev, then npm rebuild node-libgpiod";
      const detail = `${this.address}: node-libgpiod is not installed (${fix}): ${library.message}`;
      return { ok: false, kind: "unreadable", detail };
    }

    try {
      this.line ??= this.open(library);
      return { ok: true, high: this.line.getValue() === 1 };
    } catch (error) {
      // Drop the handle so the next poll reopens: a chip that went away may come back.
      await this.close();
      return failure(this.address, error);
    }
  }

  async close(): Promise<void> {
    const line = this.line;
    this.line = null;
    try {
      line?.release();
    } catch {
      // Releasing a line of a vanished chip fails; the handle is gone either way.
    }
  }

  private open(library: Gpiod): GpiodLine {
    const line = new library.Line(new library.Chip(this.chip), this.offset);
    line.requestInputMode(CONSUMER);
    return line;
  }
}

function failure(address: string, error: unknown): LevelReading {
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|ENODEV|No such/i.test(message)) {
    return { ok: false, kind: "disconnected", detail: `${address}: cannot open (${message})` };
  }
  if (/EBUSY/i.test(message)) {
    return {
      ok: false,
      kind: "unreadable",
      detail: `${address}: held by another program (${message})`,
    };
  }
  return { ok: false, kind: "unreadable", detail: `${address}: ${message}` };
}
