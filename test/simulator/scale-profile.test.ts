/** The load profile on its own: ramps, holds, repeats, seeded noise, the motion flag. */
import { describe, expect, it } from "vitest";

import { MuckError } from "../../agent/errors.js";
import { ScaleProfile } from "../../simulator/scale-profile.js";

const LOAD = [
  { atS: 10, weightKg: 0 },
  { atS: 20, weightKg: 10_000 },
  { atS: 60, weightKg: 10_000 },
  { atS: 100, weightKg: 9_000 },
];

describe("ScaleProfile", () => {
  it("holds the first and last weight and ramps linearly between points", () => {
    const profile = new ScaleProfile({ points: LOAD });

    expect(profile.weightAt(0)).toBe(0);
    expect(profile.weightAt(15)).toBe(5_000);
    expect(profile.weightAt(20)).toBe(10_000);
    expect(profile.weightAt(80)).toBe(9_500);
    expect(profile.weightAt(500)).toBe(9_000);
  });

  it("flags the weight unstable only while it changes faster than the threshold", () => {
    const profile = new ScaleProfile({ points: LOAD, stableRateKgS: 20 });

    expect(profile.readingAt(5, "gross").stable).toBe(true);
    expect(profile.readingAt(15, "gross").stable).toBe(false); // 1,000 kg/s: loading
    expect(profile.readingAt(40, "gross").stable).toBe(true);
    expect(profile.readingAt(80, "gross").stable).toBe(false); // 25 kg/s
    expect(new ScaleProfile({ points: LOAD, stableRateKgS: 30 }).readingAt(80, "gross").stable).toBe(true);
  });

  it("repeats every periodS", () => {
    const profile = new ScaleProfile({ points: LOAD, periodS: 120 });
    expect(profile.weightAt(135)).toBe(5_000);
    expect(profile.weightAt(2 * 120 + 80)).toBe(9_500);
  });

  it("adds noise within the amplitude, rounded to the division, the same for the same seed", () => {
    const readings = (seed: number) => {
      const profile = new ScaleProfile({ points: LOAD, noiseKg: 50, divisionKg: 20, seed });
      return Array.from({ length: 200 }, () => profile.readingAt(40, "net").weightKg);
    };
    const first = readings(7);

    expect(readings(7)).toEqual(first);
    expect(readings(8)).not.toEqual(first);
    expect(first.every((kg) => kg % 20 === 0 && Math.abs(kg - 10_000) <= 60)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(3);
  });

  it("reads 0 for an empty body at rest, however noisy, as zero tracking does", () => {
    const profile = new ScaleProfile({ points: LOAD, noiseKg: 50 });
    expect(Array.from({ length: 50 }, () => profile.readingAt(5, "gross").weightKg)).toEqual(Array(50).fill(0));
  });

  it("reports the kind it is asked for, and no alarms", () => {
    expect(new ScaleProfile({ points: LOAD }).readingAt(40, "net")).toEqual({
      weightKg: 10_000,
      kind: "net",
      stable: true,
      overload: false,
      underload: false,
      error: false,
    });
  });

  it("rejects an empty or out-of-order profile with a usage error", () => {
    expect(() => new ScaleProfile({ points: [] })).toThrow(MuckError);
    const outOfOrder = () => new ScaleProfile({ points: [LOAD[1]!, LOAD[0]!] });
    expect(outOfOrder).toThrow(expect.objectContaining({ code: "USAGE" }));
  });
});
