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
  /**
   * The window's weights in ascending order, kept up to date as readings come and go: a 10 Hz
   * indicator puts 600 readings in a minute's window, and sorting them per reading was the
   * largest cost of the whole load path (benchmark row 2).
   */
  private sortedKg: number[] = [];

  constructor(private readonly windowMs: number) {}

  add(reading: WeightReading): void {
    this.readings.push(reading);
    this.sortedKg.splice(lowerBound(this.sortedKg, reading.kg), 0, reading.kg);
    const fromMs = reading.atMs - this.windowMs;
    while (this.readings.length > 0 && this.readings[0]!.atMs <= fromMs) {
      const gone = this.readings.shift()!;
      this.sortedKg.splice(lowerBound(this.sortedKg, gone.kg), 1);
    }
  }

  clear(): void {
    this.readings = [];
    this.sortedKg = [];
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
    const sorted = this.sortedKg;
    const quarter = Math.floor(sorted.length / 4);
    let sum = 0;
    for (let i = quarter; i < sorted.length - quarter; i++) sum += sorted[i]!;
    return sum / (sorted.length - 2 * quarter);
  }
}

/** The first index of `sorted` whose value is not below `kg`. */
function lowerBound(sorted: number[], kg: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < kg) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
