/** The options of one serial input, with units and defaults, checked before anything opens. */

export interface SerialSourceOptions {
  /** Device path; prefer the stable `/dev/serial/by-id/…` name over `/dev/ttyUSB0`. */
  path: string;
  baudRate: number;
  /** The port counts as lost after this long without a byte while open, seconds. */
  silenceTimeoutS: number;
  /** First retry delay after a loss, milliseconds; later retries double it. */
  reopenMinMs: number;
  /** Upper bound of the retry delay, milliseconds. */
  reopenMaxMs: number;
  /** Device name in events and logs, e.g. `gps` or `scale`. */
  name: string;
  /** Emit `line` events split on `delimiter`, decoded as latin1. Default false. */
  lines?: boolean;
  /** Line delimiter for `lines` mode. Default `"\n"`, which also strips a trailing `"\r"`. */
  delimiter?: string;
  /** Gateway clock for reported times, epoch ms. Default Date.now. */
  clock?: () => number;
}

export type ResolvedSerialSourceOptions = Required<SerialSourceOptions>;

/** Fills defaults and throws a TypeError naming the first bad option. */
export function resolveSerialSourceOptions(
  options: SerialSourceOptions,
): ResolvedSerialSourceOptions {
  const where = `serial source "${options.name}" (${options.path})`;
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new TypeError(`${where}: ${field} must be ${expected}, found ${String(found)}`);
  };

  if (typeof options.path !== "string" || options.path === "")
    fail("path", "a device path", options.path);
  if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
    fail("baudRate", "a positive integer", options.baudRate);
  }
  if (!(options.silenceTimeoutS > 0)) fail("silenceTimeoutS", "> 0", options.silenceTimeoutS);
  if (!(options.reopenMinMs > 0)) fail("reopenMinMs", "> 0", options.reopenMinMs);
  if (!(options.reopenMaxMs >= options.reopenMinMs)) {
    fail("reopenMaxMs", `>= reopenMinMs (${options.reopenMinMs})`, options.reopenMaxMs);
  }
  if (options.delimiter !== undefined && options.delimiter === "")
    fail("delimiter", "non-empty", '""');

  return {
    ...options,
    lines: options.lines ?? false,
    delimiter: options.delimiter ?? "\n",
    clock: options.clock ?? Date.now,
  };
}
