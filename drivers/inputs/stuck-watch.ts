/**
 * "Stuck", concretely: a switch whose settled value has not changed for stuckAfterS seconds of
 * counted time. Time counts only while the value is known and, for the body-lift and cover
 * switches, while the ignition is on (or always, when the truck has no ignition input), so a
 * truck parked over the weekend does not raise it. A muck truck tips and covers several times a
 * shift; a switch that never moves over many working hours is taped, jammed, or cut off.
 *
 * It cannot tell a jammed switch from a truck that really did not dump: it is a reason to look,
 * reported once and cleared by the next change.
 */

export class StuckWatch {
  private quietMs = 0;
  private lastTickMs: number | undefined;
  private reported = false;

  constructor(private readonly stuckAfterMs: number) {}

  /** The switch changed (or its value became unknown): start counting again. */
  reset(): void {
    this.quietMs = 0;
    this.lastTickMs = undefined;
    this.reported = false;
  }

  get isStuck(): boolean {
    return this.reported;
  }

  /**
   * One poll while the value is unchanged; `counting` says whether this stretch counts.
   * Returns the quiet time when it has just crossed the threshold.
   */
  tick(atMs: number, counting: boolean): number | undefined {
    const elapsedMs = this.lastTickMs === undefined ? 0 : Math.max(0, atMs - this.lastTickMs);
    this.lastTickMs = atMs;
    if (this.stuckAfterMs <= 0 || !counting) return undefined;

    this.quietMs += elapsedMs;
    if (this.reported || this.quietMs < this.stuckAfterMs) return undefined;
    this.reported = true;
    return this.quietMs;
  }
}
