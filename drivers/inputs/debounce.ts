/**
 * Debouncing one switch: a new level counts only once it has been seen continuously for
 * debounceMs. A contact bounces for milliseconds; a tipper body rattling over a pothole lifts a
 * loose switch for a fraction of a second. Neither is a dump.
 */

export interface Settled {
  value: boolean;
  previous: boolean | undefined;
  /** When the new level was first seen, epoch ms. */
  sinceMs: number;
}

export class Debouncer {
  private stable: boolean | undefined;
  private candidate: { value: boolean; sinceMs: number } | undefined;

  constructor(private readonly debounceMs: number) {}

  /** The settled value; undefined until a level has held for debounceMs. */
  get value(): boolean | undefined {
    return this.stable;
  }

  /** Feed one reading; returns the change when a new level has now held long enough. */
  observe(value: boolean, atMs: number): Settled | undefined {
    if (value === this.stable) {
      this.candidate = undefined;
      return undefined;
    }
    if (this.candidate?.value !== value) this.candidate = { value, sinceMs: atMs };
    if (atMs - this.candidate.sinceMs < this.debounceMs) return undefined;

    const settled = { value, previous: this.stable, sinceMs: this.candidate.sinceMs };
    this.stable = value;
    this.candidate = undefined;
    return settled;
  }

  /** Forget everything: after a fault the old value says nothing about the switch now. */
  reset(): void {
    this.stable = undefined;
    this.candidate = undefined;
  }
}
