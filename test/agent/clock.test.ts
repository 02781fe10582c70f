/** Clock faults (fault case f): week rollover, a gateway clock that lies. */
import { describe, expect, it } from "vitest";
import { ClockWatch, GPS_DATE_FLOOR_MS, correctWeekRollover } from "../../agent/clock.js";
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { RecordPipeline } from "../../agent/pipeline.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { fixAt } from "../outbox/records-fixture.js";

const at = (iso: string, receivedAtMs: number, patch: Partial<Fix> = {}): Fix => ({ ...fixAt(0), time: iso, receivedAtMs, ...patch });

describe("GPS week rollover", () => {
  it("moves a date before the floor forward by 1024 weeks and marks it, as gpsd does for rst39", () => {
    const fixed = correctWeekRollover(at("2014-02-19T12:00:00.000Z", 0), GPS_DATE_FLOOR_MS);
    expect(fixed).toMatchObject({ time: "2033-10-05T12:00:00.000Z", dateCorrected: true });
  });

  it("leaves a date after the floor alone", () => {
    const fix = at("2026-12-03T08:00:00.000Z", 0);
    expect(correctWeekRollover(fix, GPS_DATE_FLOOR_MS)).toBe(fix);
  });
});

describe("a gateway clock that lies", () => {
  it("is not trusted until a fix confirms it, nor when it is far from GPS time", () => {
    let monotonic = 0;
    const watch = new ClockWatch(() => monotonic);
    expect(watch.trusted()).toBe(false);

    watch.observe(at("2026-12-03T08:00:00.000Z", 0)); // gateway at 1970
    expect(watch.trusted()).toBe(false);
    expect(watch.offset).toBe(-Date.parse("2026-12-03T08:00:00.000Z"));

    watch.observe(at("2026-12-03T08:00:01.000Z", Date.parse("2026-12-03T08:00:01.500Z")));
    expect(watch.trusted()).toBe(true);
    monotonic += 3_600_001;
    expect(watch.trusted()).toBe(false); // an hour without confirmation
  });

  it("flags records while the clock is unconfirmed, and orders and keeps them all by sequence", () => {
    const records: AgentRecord[] = [];
    let seq = 0;
    const config = AgentConfigSchema.parse({ truckId: "TRK-C", cadence: { minPeriodS: 1, heartbeatS: 1 } });
    let gateway = 0; // 1970, jumping back and forth below
    const pipeline = new RecordPipeline(config, { take: () => ++seq }, (r) => records.push(r), () => gateway, {
      dateFloorMs: GPS_DATE_FLOOR_MS,
      watch: new ClockWatch(),
    });

    const jumps = [0, 5e11, -1e12, Date.parse("2026-12-03T08:00:03.200Z")];
    jumps.forEach((gatewayMs, i) => {
      gateway = gatewayMs;
      // The monotonic clock goes on steadily while the wall clock jumps.
      pipeline.onFix(at(`2026-12-03T08:00:0${i}.000Z`, gatewayMs, { lat: 31 + i * 1e-4, receivedMonoMs: i * 1000 }));
    });

    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(records.map((r) => r.gpsTime)).toEqual([0, 1, 2, 3].map((i) => `2026-12-03T08:00:0${i}.000Z`));
    expect(records.map((r) => r.timeUncertain ?? false)).toEqual([true, true, true, false]);
  });
});
