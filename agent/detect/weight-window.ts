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
  /**
   * The same for the median: every weight, and the stable ones, sorted as they come and go, so
   * the median is read off instead of filtering, copying and sorting the window per sample (the
   * load path's largest cost after sortedKg, benchmark row 2).
   */
  private readonly allKg = new SortedWeights();
  private readonly stableKg = new SortedWeights();
  /** Set at the first median(): a window only asked for its interquartile mean keeps none. */
  private tracksMedian = false;

  constructor(private readonly windowMs: number) {}

  add(reading: WeightReading): void {
    this.readings.push(reading);
    this.sortedKg.splice(lowerBound(this.sortedKg, reading.kg), 0, reading.kg);
    if (this.tracksMedian) this.addToMedian(reading);
    const fromMs = reading.atMs - this.windowMs;
    while (this.readings.length > 0 && this.readings[0]!.atMs <= fromMs) {
      const gone = this.readings.shift()!;
      this.sortedKg.splice(lowerBound(this.sortedKg, gone.kg), 1);
      if (this.tracksMedian) this.removeFromMedian(gone);
    }
  }

  private addToMedian(reading: WeightReading): void {
    this.allKg.add(reading.kg);
    if (reading.stable) this.stableKg.add(reading.kg);
  }

  private removeFromMedian(reading: WeightReading): void {
    this.allKg.remove(reading.kg);
    if (reading.stable) this.stableKg.remove(reading.kg);
  }

  clear(): void {
    this.readings = [];
    this.sortedKg = [];
    this.allKg.clear();
    this.stableKg.clear();
  }

  /** How long the window's readings span, ms. */
  get spanMs(): number {
    if (this.readings.length === 0) return 0;
    return this.readings.at(-1)!.atMs - this.readings[0]!.atMs;
  }

  median(): number | null {
    if (this.readings.length === 0) return null;
    if (!this.tracksMedian) {
      this.tracksMedian = true;
      for (const reading of this.readings) this.addToMedian(reading);
    }
    const chosen = this.stableKg.size * 2 >= this.readings.length ? this.stableKg : this.allKg;
    const sortedMedian = chosen.median();
    if (sortedMedian !== undefined) return sortedMedian;

    // A weight that is no number (an OL frame without digits) is in the window: sorted with a
    // comparator that cannot order it, as before.
    const useStable = chosen === this.stableKg;
    return median(this.readings.filter((r) => !useStable || r.stable).map((r) => r.kg));
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

/** Weights in ascending order; NaN is only counted, since it has no place in the order. */
class SortedWeights {
  private sorted: number[] = [];
  private notNumbers = 0;

  get size(): number {
    return this.sorted.length + this.notNumbers;
  }

  add(kg: number): void {
    if (Number.isNaN(kg)) this.notNumbers++;
    else this.sorted.splice(lowerBound(this.sorted, kg), 0, kg);
  }

  remove(kg: number): void {
    if (Number.isNaN(kg)) this.notNumbers--;
    else this.sorted.splice(lowerBound(this.sorted, kg), 1);
  }

  clear(): void {
    this.sorted = [];
    this.notNumbers = 0;
  }

  /** As median() computes it; undefined when a NaN is among the weights (or there are none). */
  median(): number | undefined {
    const sorted = this.sorted;
    if (this.notNumbers > 0 || sorted.length === 0) return undefined;
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
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
