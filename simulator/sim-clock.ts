/**
 * Simulated time for the players. A pseudo-terminal ignores the baud rate and delivers whatever
 * is written at once, so pacing is the simulator's job: it waits on the wall clock until the
 * simulated time of the next output, scaled by a speed factor (2 = twice as fast as real life).
 *
 * Waits are measured from one start instant instead of chained sleeps, so timer lateness does
 * not accumulate over an hour-long drive.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { MuckError } from "../agent/errors.js";

export class SimClock {
  readonly speedFactor: number;
  private readonly startWallMs: number;

  constructor(speedFactor = 1, startWallMs = performance.now()) {
    if (!(speedFactor > 0) || !Number.isFinite(speedFactor)) {
      throw new MuckError("USAGE", `speed factor must be a positive number, got ${speedFactor}`);
    }
    this.speedFactor = speedFactor;
    this.startWallMs = startWallMs;
  }

  /** Simulated seconds since the clock started. */
  elapsedS(): number {
    return ((performance.now() - this.startWallMs) * this.speedFactor) / 1000;
  }

  /**
   * Waits until `simS` simulated seconds have passed since the start. Resolves false when
   * `signal` aborts first, true otherwise (at once when that time has already passed).
   */
  async until(simS: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted === true) return false;

    const waitMs = this.startWallMs + (simS * 1000) / this.speedFactor - performance.now();
    if (waitMs <= 0) return true;

    try {
      await sleep(waitMs, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }
}
