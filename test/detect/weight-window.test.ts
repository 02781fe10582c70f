/**
 * The weight window keeps its weights sorted as readings come and go (for speed); its median and
 * interquartile mean must equal those computed from scratch over the readings still in the window.
 */
import { describe, expect, it } from "vitest";
import { WeightWindow, type WeightReading } from "../../agent/detect/weight-window.js";
import { seededRandom } from "../../simulator/prng.js";

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
    expect(window.interquartileMean()).toBeNull();
    window.add({ atMs: 0, kg: 500, stable: true });
    expect(window.interquartileMean()).toBe(500);
    expect(window.median()).toBe(500);
  });
});
