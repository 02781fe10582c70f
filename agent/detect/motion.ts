/**
 * Whether the truck stands, creeps or drives. Never from fix validity (a covered antenna does not
 * park the truck) and never from one fix (a parked receiver reports 1–3 km/h of jitter; one
 * multipath fix says 20): from the speeds over a window, and from the ignition when it is wired.
 *
 *   stopped — the ignition is off, or no speed in the window exceeds `stoppedSpeedKmh`;
 *   moving  — the mean speed of the window exceeds `slowSpeedKmh`;
 *   slow    — in between (an excavator's truck inching forward, tipping while creeping).
 * Without fixes the last state holds: a lost fix says nothing about the wheels.
 */
import type { TrackPoint } from "./track-point.js";

export type MotionState = "stopped" | "slow" | "moving";

export interface MotionOptions {
  windowS: number;
  stoppedSpeedKmh: number;
  slowSpeedKmh: number;
}

export class Motion {
  private window: TrackPoint[] = [];
  private ignitionOn: boolean | undefined;
  private state: MotionState = "stopped";

  constructor(private readonly options: MotionOptions) {}

  offer(point: TrackPoint): void {
    this.window.push(point);
    const fromMs = point.atMs - this.options.windowS * 1000;
    while (this.window.length > 1 && this.window[0]!.atMs < fromMs) this.window.shift();
    this.state = this.judge();
  }

  ignition(on: boolean | undefined): void {
    this.ignitionOn = on;
    if (on === false) this.state = "stopped";
  }

  get current(): MotionState {
    return this.state;
  }

  /** True while stopped or slow: when loading and tipping happen. */
  get standing(): boolean {
    return this.state !== "moving";
  }

  private judge(): MotionState {
    if (this.ignitionOn === false) return "stopped";

    // One pass, no copies: at 10 Hz the window holds 100 points per fix, and mapping and
    // spreading them was the largest allocation of the whole input path (benchmark row 2).
    let maxKmh = -Infinity;
    let sumKmh = 0;
    for (const p of this.window) {
      maxKmh = Math.max(maxKmh, p.speedKmh);
      sumKmh += p.speedKmh;
    }
    if (maxKmh <= this.options.stoppedSpeedKmh) return "stopped";
    const meanKmh = sumKmh / this.window.length;
    return meanKmh > this.options.slowSpeedKmh ? "moving" : "slow";
  }
}
