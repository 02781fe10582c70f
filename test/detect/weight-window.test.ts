/**
 * The weight window keeps its weights sorted as readings come and go (for speed); its median and
 * interquartile mean must equal those computed from scratch over the readings still in the window.
 */
import { describe, expect, it } from "vitest";
import { WeightWindow, type WeightReading } from "../../agent/detect/weight-window.js";
import { seededRandom } from "../../simulator/prng.js";

/** The median as the filter defines it: of the stable readings when at least half are stable. */
function medianFromScratch(readings: WeightReading[]): number {
  const stable = readings.filter((r) => r.stable);
  const chosen = stable.length * 2 >= readings.length ? stable : readings;
  const sorted = chosen.map((r) => r.kg).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function fromScratch(readings: WeightReading[]) {
  const sorted = readings.map((r) => r.kg).sort((a, b) => a - b);
  const quarter = Math.floor(sorted.length / 4);
  const middle = sorted.slice(quarter, sorted.length - quarter);
  return middle.reduce((sum, kg) => sum + kg, 0) / middle.length;
}

describe("weight window", () => {
  it("answers the interquartile mean of exactly the readings inside the window", () => {
    const next = seededRandom(42);
    const windowMs = 6000;
    const window = new WeightWindow(windowMs);
    const all: WeightReading[] = [];
    let checked = 0;

    for (let i = 0; i < 2000; i++) {
      // Repeated values and spikes, 10 Hz with an occasional gap of a few seconds.
      const atMs = i * 100 + (i > 1000 ? 4000 : 0);
      const kg = next() < 0.1 ? 30_000 : 12_000 + Math.round(next() * 20) * 50;
      const reading = { atMs, kg, stable: next() < 0.7 };
      window.add(reading);
      all.push(reading);

      const inside = all.filter((r) => r.atMs > atMs - windowMs);
      expect(window.interquartileMean()).toBeCloseTo(fromScratch(inside), 9);
      checked++;
    }
    expect(checked).toBe(2000);

    window.clear();
    expect(window.median()).toBeNull();
    expect(window.interquartileMean()).toBeNull();
    window.add({ atMs: 0, kg: 500, stable: true });
    expect(window.interquartileMean()).toBe(500);
    expect(window.median()).toBe(500);
  });

  it("answers the median of exactly the readings inside the window, stable ones preferred", () => {
    const next = seededRandom(7);
    const windowMs = 5000;
    const window = new WeightWindow(windowMs);
    const all: WeightReading[] = [];
    let withNaN = 0;

    for (let i = 0; i < 3000; i++) {
      // Runs of unstable readings (so the choice flips both ways), repeats, and now and then an
      // overload frame without a number (NaN), which must give what the sort gave.
      const atMs = i * 100 + (i > 1500 ? 7000 : 0);
      const noNumber = next() < 0.01;
      const kg = noNumber ? Number.NaN : 9000 + Math.round(next() * 40) * 25;
      const stable = Math.floor(i / 37) % 3 === 0 ? next() < 0.2 : next() < 0.8;
      const reading = { atMs, kg, stable };
      window.add(reading);
      all.push(reading);

      const inside = all.filter((r) => r.atMs > atMs - windowMs);
      if (inside.some((r) => Number.isNaN(r.kg))) withNaN++;
      expect(window.median()).toBe(medianFromScratch(inside));
    }
    expect(withNaN).toBeGreaterThan(100);
  });
});
