/** Which fixes and samples become records. */
import { describe, expect, it } from "vitest";
import { PositionCadence, WeightCadence, headingChangeDeg } from "../../agent/cadence.js";
import type { Fix, WeightSample } from "../../agent/contracts.js";
import { fixAt } from "../outbox/records-fixture.js";

const OPTIONS = { minPeriodS: 30, minDistanceM: 50, minHeadingDeg: 15, minSpeedDeltaKmh: 10, heartbeatS: 300, stoppedSpeedKmh: 3 };

function fix(second: number, patch: Partial<Fix> = {}): Fix {
  return { ...fixAt(0), time: new Date(Date.UTC(2026, 11, 3, 8, 0, 0) + second * 1000).toISOString(), ...patch };
}

/** Longitude step for `m` metres east at 31.24° N. */
const east = (m: number) => 121.47 + m / (111_320 * Math.cos((31.24 * Math.PI) / 180));

describe("position cadence", () => {
  it("records the first valid fix, never an invalid one", () => {
    const cadence = new PositionCadence(OPTIONS);
    expect(cadence.offer(fix(0, { valid: false, lat: null, lon: null }))).toBe(false);
    expect(cadence.offer(fix(1))).toBe(true);
  });

  it("records after minDistanceM, measured geodesically", () => {
    const cadence = new PositionCadence(OPTIONS);
    cadence.offer(fix(0, { lon: east(0) }));
    expect(cadence.offer(fix(1, { lon: east(45) }))).toBe(false);
    expect(cadence.offer(fix(2, { lon: east(52) }))).toBe(true);
  });

  it("records on a turn of minHeadingDeg, across north", () => {
    const cadence = new PositionCadence(OPTIONS);
    cadence.offer(fix(0, { courseDeg: 355 }));
    expect(cadence.offer(fix(1, { courseDeg: 5 }))).toBe(false);
    expect(cadence.offer(fix(2, { courseDeg: 12 }))).toBe(true);
    expect(headingChangeDeg(350, 10)).toBe(20);
  });

  it("records a speed change of minSpeedDeltaKmh, so an overspeed peak is on record", () => {
    const cadence = new PositionCadence(OPTIONS);
    cadence.offer(fix(0, { speedKmh: 60 }));
    expect(cadence.offer(fix(1, { speedKmh: 68 }))).toBe(false);
    expect(cadence.offer(fix(2, { speedKmh: 71 }))).toBe(true);
  });

  it("records every minPeriodS while moving and every heartbeatS while stopped, by GPS time", () => {
    const moving = new PositionCadence(OPTIONS);
    moving.offer(fix(0));
    expect(moving.offer(fix(29))).toBe(false);
    expect(moving.offer(fix(30))).toBe(true);

    const stopped = new PositionCadence(OPTIONS);
    stopped.offer(fix(0, { speedKmh: 0 }));
    expect(stopped.offer(fix(299, { speedKmh: 1 }))).toBe(false);
    expect(stopped.offer(fix(300, { speedKmh: 0 }))).toBe(true);
  });

  it("records the moment the truck stops and the moment it moves off", () => {
    const cadence = new PositionCadence(OPTIONS);
    cadence.offer(fix(0, { speedKmh: 20 }));
    expect(cadence.offer(fix(1, { speedKmh: 2 }))).toBe(true);
    expect(cadence.offer(fix(2, { speedKmh: 1 }))).toBe(false);
    expect(cadence.offer(fix(3, { speedKmh: 9 }))).toBe(true);
  });
});

describe("weight cadence", () => {
  const sample = (second: number, weightKg: number, patch: Partial<WeightSample> = {}): WeightSample => ({
    time: new Date(Date.UTC(2026, 11, 3, 8, 0, 0) + second * 1000).toISOString(),
    weightKg,
    kind: "gross",
    stable: true,
    overload: false,
    error: false,
    ...patch,
  });

  it("records on a change beyond weightDeltaKg, a flag change, or weightPeriodS", () => {
    const cadence = new WeightCadence({ weightDeltaKg: 200, weightPeriodS: 60 });
    expect(cadence.offer(sample(0, 10_000))).toBe(true);
    expect(cadence.offer(sample(1, 10_150))).toBe(false);
    expect(cadence.offer(sample(2, 10_210))).toBe(true);
    expect(cadence.offer(sample(3, 10_210, { stable: false }))).toBe(true);
    expect(cadence.offer(sample(4, 10_210, { stable: false }))).toBe(false);
    expect(cadence.offer(sample(64, 10_210, { stable: false }))).toBe(true);
  });
});

describe("the GPS time of a weight record", () => {
  it("is the last fix's while it is fresh, and null once the GPS has been gone for a while", async () => {
    const { RecordPipeline } = await import("../../agent/pipeline.js");
    const { AgentConfigSchema } = await import("../../config/schema.js");
    const records: Array<{ kind: string; gpsTime: string | null }> = [];
    let seq = 0;
    const pipeline = new RecordPipeline(AgentConfigSchema.parse({ truckId: "W", cadence: { weightDeltaKg: 1 } }), { take: () => ++seq }, (r) => records.push(r));
    const t0 = Date.UTC(2026, 11, 3, 8, 0, 0);
    pipeline.onFix({ ...fixAt(0), time: new Date(t0).toISOString(), receivedAtMs: t0 });
    const weight = (offsetMs: number, kg: number) =>
      pipeline.onWeight({ time: new Date(t0 + offsetMs).toISOString(), weightKg: kg, kind: "gross", stable: true, overload: false, error: false });

    weight(2_000, 1000);
    weight(60_000, 3000);

    expect(records.filter((r) => r.kind === "weight").map((r) => r.gpsTime)).toEqual([new Date(t0).toISOString(), null]);
  });
});
