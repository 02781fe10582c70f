import { describe, expect, it } from "vitest";
import { LoadWatch, type ReadingSituation, type WeightChange } from "../../agent/detect/load-watch.js";
import { SpillWatch } from "../../agent/detect/spill-watch.js";
import { WeightWindow } from "../../agent/detect/weight-window.js";
import { seededRandom } from "../../simulator/prng.js";
import { T0, detectConfig } from "./helpers.js";

const config = detectConfig().load;
const standing: ReadingSituation = { standing: true, bodyLift: false, position: null, fixFresh: true };

/** Feeds one weight a second (each a function of the second) and collects completed changes. */
function feed(
  watch: LoadWatch,
  seconds: number,
  kgAt: (s: number) => number,
  here: (s: number) => ReadingSituation = () => standing,
  from = 0,
): WeightChange[] {
  const changes: WeightChange[] = [];
  for (let s = from; s < from + seconds; s++) {
    const change = watch.offer(T0 + s * 1000, kgAt(s), here(s));
    if (change !== null) changes.push(change);
  }
  return changes;
}

describe("weight window", () => {
  it("takes the median, preferring stable samples, so a pothole spike is ignored whole", () => {
    const window = new WeightWindow(5000);
    for (const [s, kg] of [
      [0, 30_000],
      [1, 30_050],
      [2, 33_000],
      [3, 29_980],
      [4, 30_020],
    ] as const) {
      window.add({ atMs: T0 + s * 1000, kg, stable: s !== 2 });
    }
    expect(window.median()).toBe(30_010);
  });
});

describe("loads and unloads", () => {
  it("is one load for eight excavator buckets, completed when the weight settles, with start and end", () => {
    const watch = new LoadWatch(config);
    // Empty (15 t) for 90 s, then a 2.5 t bucket every 40 s, then a rest.
    const kgAt = (s: number) =>
      s < 90 ? 15_000 : 15_000 + 2500 * Math.min(8, Math.floor((s - 90) / 40) + 1);
    const changes = feed(watch, 90 + 320 + 120, kgAt);

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: "load",
      fromKg: 15_000,
      toKg: 35_000,
      startedAtMs: T0 + 90_000,
    });
  });

  it("is an unload when the weight drops and settles, and sees the body raised during it", () => {
    const watch = new LoadWatch(config);
    const kgAt = (s: number) => (s < 90 ? 35_000 : s < 120 ? 35_000 - (s - 90) * 660 : 15_200);
    const changes = feed(watch, 250, kgAt, (s) => ({ ...standing, bodyLift: s >= 90 && s < 125 }));

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "unload", fromKg: 35_000, bodyLiftSeen: true, fixLost: false });
    expect(changes[0]!.toKg).toBeCloseTo(15_200, -2);
  });

  it("completes a change when the truck drives off before the weight has settled for settleS", () => {
    const watch = new LoadWatch(config);
    const kgAt = (s: number) => (s < 90 ? 35_000 : 15_000);
    const changes = feed(watch, 120, kgAt, (s) => ({ ...standing, standing: s < 110 }));

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "unload", endedAtMs: T0 + 110_000 });
  });

  it("raises nothing at a traffic light: the load shifts under braking and settles where it was", () => {
    const watch = new LoadWatch(config);
    const wobble = [0, 900, -700, 1200, -400, 300, -150, 80];
    const kgAt = (s: number) => 35_000 + (s >= 90 && s < 90 + wobble.length ? wobble[s - 90]! : 0);
    expect(feed(watch, 200, kgAt)).toEqual([]);
  });

  it("takes slow temperature drift into the reference without an event, even past the thresholds", () => {
    const watch = new LoadWatch(config);
    // −3 t over ten hours while parked: 0.083 kg a second.
    expect(feed(watch, 36_000, (s) => 35_000 - s * (3000 / 36_000))).toEqual([]);
    expect(watch.referenceKg).toBeLessThan(32_200);
  });

  it("ignores weight changes while the truck drives", () => {
    const watch = new LoadWatch(config);
    const kgAt = (s: number) => (s < 90 ? 35_000 : 25_000);
    expect(feed(watch, 250, kgAt, (s) => ({ ...standing, standing: s < 85 }))).toEqual([]);
  });

  it("marks a change during which the fix was missing", () => {
    const watch = new LoadWatch(config);
    const kgAt = (s: number) => (s < 90 ? 35_000 : 15_000);
    const changes = feed(watch, 250, kgAt, (s) => ({ ...standing, fixFresh: s < 100 }));
    expect(changes[0]).toMatchObject({ kind: "unload", fixLost: true });
  });
});

describe("spill", () => {
  /** A full body on a rough road at 2 Hz: ±1.5 t of shaking, every sample unstable. */
  function roughRoad(seed: number, lostKgAt: (s: number) => number) {
    const random = seededRandom(seed);
    return Array.from({ length: 2400 }, (_, i) => ({
      atMs: T0 + i * 500,
      kg: 35_000 + (random() * 2 - 1) * 1500 - lostKgAt(i / 2),
      stable: false,
    }));
  }

  it("raises nothing for rough-road vibration with a full load", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const watch = new SpillWatch(config);
      expect(
        roughRoad(seed, () => 0)
          .map((r) => watch.offer(r, true))
          .filter((s) => s !== null),
      ).toEqual([]);
    }
  });

  it("raises once for a sustained loss on the same road", () => {
    const watch = new SpillWatch(config);
    const readings = roughRoad(1, (s) => (s < 600 ? 0 : Math.min(1500, (s - 600) * 40)));
    const spills = readings.map((r) => watch.offer(r, true)).filter((s) => s !== null);

    expect(spills).toHaveLength(1);
    expect(spills[0]!.fromKg - spills[0]!.toKg).toBeGreaterThanOrEqual(config.spillMinKg);
    expect(spills[0]!.atMs - T0).toBeLessThan(700_000);
  });

  it("re-arms only after a stop", () => {
    const watch = new SpillWatch(config);
    const readings = roughRoad(2, (s) => (s < 300 ? 0 : s < 600 ? 1500 : 3000));
    expect(readings.map((r) => watch.offer(r, true)).filter((s) => s !== null)).toHaveLength(1);
  });
});
