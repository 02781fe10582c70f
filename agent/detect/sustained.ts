/**
 * A condition that must hold for a while before it counts and must fail for a while before it
 * ends: the shape of every episode the detectors raise (overspeed, overload, an uncovered load,
 * driving outside permit hours). One fix over the limit is GPS noise until the next ones agree,
 * and a speed that hovers around the limit must not open and close an episode every second.
 *
 * Evidence must be continuous: when two observations are more than `maxGapMs` apart (the fix was
 * lost), a run that had not yet reached its duration starts again. An open episode stays open
 * through a gap; it ends only on enough evidence that it is over.
 */
export type Transition = "start" | "end" | null;

export interface SustainedOptions {
  startAfterMs: number;
  endAfterMs: number;
  maxGapMs: number;
}

export class Sustained {
  open = false;
  /** When the run that may open an episode began. */
  runSinceMs: number | null = null;
  /** When the run that may end the open episode began. */
  clearSinceMs: number | null = null;
  /** The last episode's start (its first qualifying observation) and end (its first cleared one). */
  startedAtMs: number | null = null;
  endedAtMs: number | null = null;
  private lastAtMs: number | null = null;

  constructor(private readonly options: SustainedOptions) {}

  /**
   * One observation: `active` when the start condition holds, `cleared` when the end condition
   * holds (they may both be false: between a limit plus tolerance and minus hysteresis).
   */
  update(atMs: number, active: boolean, cleared: boolean): Transition {
    if (this.lastAtMs !== null && atMs - this.lastAtMs > this.options.maxGapMs) this.breakRuns();
    this.lastAtMs = atMs;

    if (!this.open) {
      if (!active) {
        this.runSinceMs = null;
        return null;
      }
      this.runSinceMs ??= atMs;
      if (atMs - this.runSinceMs < this.options.startAfterMs) return null;
      this.open = true;
      this.startedAtMs = this.runSinceMs;
      this.endedAtMs = null;
      this.runSinceMs = null;
      this.clearSinceMs = null;
      return "start";
    }

    if (!cleared) {
      this.clearSinceMs = null;
      return null;
    }
    this.clearSinceMs ??= atMs;
    if (atMs - this.clearSinceMs < this.options.endAfterMs) return null;
    this.open = false;
    this.endedAtMs = this.clearSinceMs;
    this.clearSinceMs = null;
    return "end";
  }

  /** Forget runs in progress (the evidence was interrupted); an open episode stays open. */
  breakRuns(): void {
    this.runSinceMs = null;
    this.clearSinceMs = null;
  }

  /** Restore an episode that was open before a restart. */
  reopen(sinceMs: number): void {
    this.open = true;
    this.startedAtMs = sinceMs;
    this.runSinceMs = null;
    this.clearSinceMs = null;
  }
}
