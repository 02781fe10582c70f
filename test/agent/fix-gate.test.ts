/** The fix gate, and field case F6 (a valid-flagged jump) through the record pipeline. */
import { describe, expect, it } from "vitest";
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { FixGate } from "../../agent/fix-gate.js";
import { RecordPipeline } from "../../agent/pipeline.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { fixAt } from "../outbox/records-fixture.js";

const KNOT = 1.852;

function fix(second: number, lat: number, lon: number, speedKmh: number, patch: Partial<Fix> = {}): Fix {
  const atMs = Date.UTC(2026, 11, 3, 8, 0, 0) + second * 1000;
  return { ...fixAt(0), time: new Date(atMs).toISOString(), receivedAtMs: atMs + 300, receivedMonoMs: second * 1000, lat, lon, speedKmh, ...patch };
}

describe("F6: a valid-flagged jump", () => {
  it("rejects the middle fix: no position record for it, no distance added", () => {
    const config = AgentConfigSchema.parse({ truckId: "TRK-F6", cadence: { minDistanceM: 1, minPeriodS: 1, heartbeatS: 5 } });
    const records: AgentRecord[] = [];
    let seq = 0;
    const pipeline = new RecordPipeline(config, { take: () => ++seq }, (r) => records.push(r));

    pipeline.onFix(fix(0, 48.1, 11.5, 0));
    pipeline.onFix(fix(5, 10.0, 3.0, 16.2 * KNOT));
    pipeline.onFix(fix(10, 48.10005, 11.50005, 0));

    expect(pipeline.gateRejections()).toMatchObject({ invalid: 0, hdop: 0, jump: 1, time: 0 });
    const positions = records.filter((r) => r.kind === "position").map((r) => [r.body.lat, r.body.lon]);
    expect(positions).toEqual([
      [48.1, 11.5],
      [48.10005, 11.50005],
    ]);
    expect(pipeline.lastValidFix!.lat).toBe(48.10005);
  });
});

describe("fix gate", () => {
  const gate = () => new FixGate({ maxHdop: 5, maxPlausibleSpeedKmh: 160 });

  it("rejects invalid fixes and fixes with HDOP above the limit, counting each reason", () => {
    const g = gate();
    expect(g.check(fix(0, 31, 121, 0, { valid: false, lat: null, lon: null }))).toBe("invalid");
    expect(g.check(fix(1, 31, 121, 0, { hdop: 5.1 }))).toBe("hdop");
    expect(g.check(fix(2, 31, 121, 0, { hdop: 5 }))).toBeNull();
    expect(g.counts()).toMatchObject({ invalid: 1, hdop: 1, jump: 0 });
  });

  it("accepts fast but possible driving: 150 km/h for 10 s", () => {
    const g = gate();
    g.check(fix(0, 31, 121, 150));
    const metres = (150 / 3.6) * 10;
    expect(g.check(fix(10, 31 + metres / 111_195, 121, 150))).toBeNull();
  });

  it("rejects a fix whose date jumped (two bit flips pass a checksum), and keeps judging the ones after it", () => {
    const g = gate();
    expect(g.check(fix(0, 31, 121, 30))).toBeNull();
    expect(g.check(fix(1, 31.0001, 121, 30, { time: "2027-12-03T08:00:01.000Z" }))).toBe("time");
    expect(g.check(fix(2, 31.0002, 121, 30))).toBeNull();
    expect(g.check(fix(3, 0, 0, 30))).toBe("null_island");
    expect(g.counts()).toMatchObject({ time: 1, null_island: 1 });
  });

  it("trusts three agreeing fixes over a wrong first reference", () => {
    const g = gate();
    g.check(fix(0, 10, 3, 0)); // the outlier came first
    expect(g.check(fix(1, 48.1, 11.5, 0))).toBe("jump");
    expect(g.check(fix(2, 48.10001, 11.5, 0))).toBe("jump");
    expect(g.check(fix(3, 48.10002, 11.5, 0))).toBeNull();
    expect(g.check(fix(4, 48.10003, 11.5, 0))).toBeNull();
  });
});
