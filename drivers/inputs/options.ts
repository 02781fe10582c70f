/** The options of one digital input, with units and defaults, checked before anything opens. */
import type { InputName } from "./contracts.js";

export interface InputOptions {
  /** `file` (a value file holding 0 or 1) or `gpio` (a GPIO chardev line). Default file. */
  source?: "file" | "gpio";
  /** file source: the value file. */
  path?: string;
  /** gpio source: the chip device. Default /dev/gpiochip0. */
  chip?: string;
  /** gpio source: the line offset on the chip. */
  line?: number;
  /** A high level (1) means active. Default true. */
  activeHigh?: boolean;
  /** A new level counts once it has held this long, ms. Default 200. */
  debounceMs?: number;
  /** Read interval, ms. Default 100. */
  pollMs?: number;
  /** Counted quiet time after which the switch is reported stuck, s; 0 disables. Default 0. */
  stuckAfterS?: number;
}

export type ResolvedInputOptions = Required<Omit<InputOptions, "path" | "line">> &
  Pick<InputOptions, "path" | "line">;

export type InputsOptions = Partial<Record<InputName, InputOptions>>;

/** Fills defaults and throws a TypeError naming the input and the first bad option. */
export function resolveInputOptions(input: InputName, options: InputOptions): ResolvedInputOptions {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new TypeError(`input ${input}: ${field} must be ${expected}, found ${String(found)}`);
  };
  const resolved: ResolvedInputOptions = {
    source: "file",
    chip: "/dev/gpiochip0",
    activeHigh: true,
    debounceMs: 200,
    pollMs: 100,
    stuckAfterS: 0,
    ...options,
  };

  if (resolved.source === "file" && !resolved.path)
    fail("path", "a value file path", resolved.path);
  if (resolved.source === "gpio" && !(Number.isInteger(resolved.line) && resolved.line! >= 0)) {
    fail("line", "a line offset (integer >= 0)", resolved.line);
  }
  if (!(resolved.debounceMs >= 0)) fail("debounceMs", ">= 0", resolved.debounceMs);
  if (!(resolved.pollMs > 0)) fail("pollMs", "> 0", resolved.pollMs);
  if (!(resolved.stuckAfterS >= 0)) fail("stuckAfterS", ">= 0", resolved.stuckAfterS);
  return resolved;
}
