/**
 * What the load cell under the truck's body weighs over time: loading, driving loaded, unloading.
 * Weight points with straight ramps between them, noise from a seeded generator (the body rocks
 * on its suspension while the truck drives), and the indicator's motion flag: a weight changing
 * faster than `stableRateKgS` is reported unstable, as an indicator's motion detector does while
 * an excavator drops a bucket load.
 */
import { MuckError } from "../agent/errors.js";
import type { ScaleReading } from "../drivers/scale/codec.js";
import type { WeightKind } from "../agent/contracts.js";
import { seededRandom } from "./prng.js";

/** The weight at `atS` seconds since the start of the profile. */
export interface WeightPoint {
  atS: number;
  weightKg: number;
}

export interface ScaleProfileOptions {
  /** In time order. Before the first point its weight holds; after the last, the last one. */
  points: WeightPoint[];
  /** Each reading is off by up to ± this much, kg. Default 0. */
  noiseKg?: number;
  /** Seed of the noise; the same seed gives the same readings. Default 1. */
  seed?: number;
  /** A weight changing faster than this, kg/s, is reported unstable. Default 20. */
  stableRateKgS?: number;
  /** Repeat the profile every this many seconds (round trips in a loop). Default: never. */
  periodS?: number;
  /** The indicator's display increment, kg; readings are rounded to it. Default 10. */
  divisionKg?: number;
}

export class ScaleProfile {
  private readonly points: WeightPoint[];
  private readonly noiseKg: number;
  private readonly stableRateKgS: number;
  private readonly periodS: number | undefined;
  private readonly divisionKg: number;
  private readonly random: () => number;

  constructor(options: ScaleProfileOptions) {
    validate(options);
    this.points = options.points;
    this.noiseKg = options.noiseKg ?? 0;
    this.stableRateKgS = options.stableRateKgS ?? 20;
    this.periodS = options.periodS;
    this.divisionKg = options.divisionKg ?? 10;
    this.random = seededRandom(options.seed ?? 1);
  }

  /** The true weight at `atS`, without noise or rounding. */
  weightAt(atS: number): number {
    const { before, after } = this.around(this.inPeriod(atS));
    if (after === undefined) return before.weightKg;

    const share = (this.inPeriod(atS) - before.atS) / (after.atS - before.atS);
    return before.weightKg + share * (after.weightKg - before.weightKg);
  }

  /** True while the weight changes faster than the motion threshold. */
  movingAt(atS: number): boolean {
    const { before, after } = this.around(this.inPeriod(atS));
    if (after === undefined) return false;

    const rateKgS = Math.abs(after.weightKg - before.weightKg) / (after.atS - before.atS);
    return rateKgS > this.stableRateKgS;
  }

  /** What the indicator shows at `atS`: noisy, rounded to its division, flagged. Draws noise. */
  readingAt(atS: number, kind: WeightKind): ScaleReading {
    const trueKg = this.weightAt(atS);
    const stable = !this.movingAt(atS);
    const noise = this.noiseKg === 0 ? 0 : (this.random() * 2 - 1) * this.noiseKg;
    const shown = Math.round((trueKg + noise) / this.divisionKg) * this.divisionKg;

    // An empty body at rest reads 0: indicators track zero and absorb small drift around it.
    const weightKg = shown === 0 || (trueKg === 0 && stable) ? 0 : shown;
    return { weightKg, kind, stable, overload: false, underload: false, error: false };
  }

  private inPeriod(atS: number): number {
    if (this.periodS === undefined) return atS;
    return ((atS % this.periodS) + this.periodS) % this.periodS;
  }

  /** The points on either side of `atS`; a ramp starts at `before` (inclusive). */
  private around(atS: number): { before: WeightPoint; after: WeightPoint | undefined } {
    const next = this.points.findIndex((point) => point.atS > atS);
    if (next === 0) return { before: this.points[0]!, after: undefined };
    if (next < 0) return { before: this.points.at(-1)!, after: undefined };
    return { before: this.points[next - 1]!, after: this.points[next] };
  }
}

function validate(options: ScaleProfileOptions): void {
  const { points } = options;
  if (points.length === 0) throw new MuckError("USAGE", "scale profile needs at least one point");

  points.forEach((point, index) => {
    const previous = points[index - 1];
    if (!Number.isFinite(point.atS) || !Number.isFinite(point.weightKg)) {
      const message = `scale profile point ${index} is not numeric: ${JSON.stringify(point)}`;
      throw new MuckError("USAGE", message);
    }
    if (previous !== undefined && point.atS < previous.atS) {
      throw new MuckError("USAGE", `scale profile point ${index} is earlier than the one before it`);
    }
  });

  if (options.periodS !== undefined && !(options.periodS > 0)) {
    throw new MuckError("USAGE", `scale profile periodS must be > 0, got ${options.periodS}`);
  }
  if (options.divisionKg !== undefined && !(options.divisionKg > 0)) {
    throw new MuckError("USAGE", `scale profile divisionKg must be > 0, got ${options.divisionKg}`);
  }
}
