/**
 * Weight samples over a sliding window, reduced to their median. A load cell on a truck sees the
 * road: a pothole reads +3 t for a tenth of a second, braking shifts the load for a second. The
 * median of a few seconds ignores such spikes whole, where a mean would smear them into a drift.
 * Samples the indicator flags stable are preferred when at least half the window is stable;
 * error readings never enter.
 */
export interface WeightReading {
  atMs: number;
  kg: number;
  stable: boolean;
}

export class WeightWindow {
  private readings: WeightReading[] = [];

  constructor(private readonly windowMs: number) {}

  add(reading: WeightReading): void {
    this.readings.push(reading);
    const fromMs = reading.atMs - this.windowMs;
    while (this.readings.length > 0 && this.readings[0]!.atMs <= fromMs) this.readings.shift();
  }

  clear(): void {
    this.readings = [];
  }

  /** How long the window's readings span, ms. */
  get spanMs(): number {
    if (this.readings.length === 0) return 0;
    return this.readings.at(-1)!.atMs - this.readings[0]!.atMs;
  }

  median(): number | null {
    if (this.readings.length === 0) return null;
    const stable = this.readings.filter((r) => r.stable);
    const chosen = stable.length * 2 >= this.readings.length ? stable : this.readings;
    return median(chosen.map((r) => r.kg));
  }

  /**
   * The mean of the middle half: as blind to spikes as the median, but steadier on a long window
   * of shaking (the median of a minute on a rough road still wanders by hundreds of kilograms).
   */
  interquartileMean(): number | null {
    if (this.readings.length === 0) return null;
    const sorted = this.readings.map((r) => r.kg).sort((a, b) => a - b);
    const quarter = Math.floor(sorted.length / 4);
    const middle = sorted.slice(quarter, sorted.length - quarter);
    return middle.reduce((sum, kg) => sum + kg, 0) / middle.length;
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
