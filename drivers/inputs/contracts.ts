/**
 * Digital inputs of a muck truck: the switches that say what the body and the cover are doing.
 * The reader turns levels on a line into debounced on/off values and reports a sensor it cannot
 * trust as a fault, since cutting a wire is the cheapest way to hide a dump.
 *
 *   bodyLift  true while the tipper body is raised (dumping)
 *   cover     true while the load cover is closed
 *   ignition  true while the ignition is on
 *
 * Life cycle of one input: unknown until a level has held for debounceMs, then a value that
 * changes only through a debounced `change`; unknown again while a fault is open.
 */

export const INPUT_NAMES = ["bodyLift", "cover", "ignition"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/**
 *   disconnected  the value file is missing, or the GPIO chip or line cannot be opened
 *   unreadable    the source answers with something other than 0 or 1, or reading fails
 *   stuck         no change for stuckAfterS seconds of ignition-on time (see InputsReader)
 */
export type InputFaultKind = "disconnected" | "unreadable" | "stuck";

export interface InputChange {
  input: InputName;
  /** The debounced value, after activeHigh. */
  value: boolean;
  /** The value before; undefined for the first value after start or after a fault. */
  previous: boolean | undefined;
  /** When the new level was first seen (the change, not the end of the debounce), epoch ms. */
  atMs: number;
}

export interface InputFault {
  input: InputName;
  kind: InputFaultKind;
  /** What was seen and where, e.g. `/run/muck/body-lift: no such file`. */
  detail: string;
  atMs: number;
}

/** A fault that ended: the source reads again, or a stuck switch moved. */
export interface InputFaultCleared {
  input: InputName;
  kind: InputFaultKind;
  atMs: number;
  /** How long the fault lasted, ms. */
  durationMs: number;
}

export interface InputsEvents {
  change: [change: InputChange];
  fault: [fault: InputFault];
  faultCleared: [cleared: InputFaultCleared];
}

/** The debounced values; an input is absent while unknown (not configured, not settled, faulty). */
export type InputState = Partial<Record<InputName, boolean>>;

/** One raw read of a line: its electrical level, or why there is none. */
export type LevelReading =
  { ok: true; high: boolean } | { ok: false; kind: "disconnected" | "unreadable"; detail: string };

/** Where a level comes from: a value file or a GPIO line. */
export interface LevelSource {
  /** Path or chip:line, for faults and logs. */
  readonly address: string;
  read(): Promise<LevelReading>;
  close(): Promise<void>;
}
