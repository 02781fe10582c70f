import { describe, expect, it } from "vitest";
import { GnssWatch } from "../../agent/detect/gnss-watch.js";
import { Motion } from "../../agent/detect/motion.js";
import { TrackGapWatch } from "../../agent/detect/track-gap.js";
import { antennaReportOf } from "../../drivers/gps/antenna.js";
import { sign } from "../gps/nmea-helpers.js";
import { T0, detectConfig, drive, point } from "./helpers.js";

describe("antenna reports", () => {
  it("reads u-blox, CASIC, MediaTek and ST Teseo antenna sentences, checksum first", () => {
    // The u-blox integration manual's own lines (ZED-F9K, MIA-M10Q).
    expect(antennaReportOf("$GNTXT,01,01,02,ANTSTATUS=OPEN*35")).toEqual({
      status: "open",
      sentence: "$GNTXT,01,01,02,ANTSTATUS=OPEN*35",
    });
    expect(antennaReportOf("$GNTXT,01,01,02,ANTSTATUS=SHORT*73")?.status).toBe("short");
    expect(antennaReportOf("$GNTXT,01,01,02,ANTSTATUS=OK*25")?.status).toBe("ok");
    expect(antennaReportOf(sign("$GPTXT,01,01,01,ANTENNA OPEN"))?.status).toBe("open");
    expect(antennaReportOf(sign("$PGTOP,11,1"))?.status).toBe("short");
    expect(antennaReportOf(sign("$PGTOP,11,3"))?.status).toBe("ok");
    // gpsd's sl869 capture: ST Teseo with a fix reports 0,0,0,0 (and doubles its dollar).
    expect(antennaReportOf("$$PSTMANTENNASTATUS,0,0,0,0*51")?.status).toBe("ok");
    expect(antennaReportOf(sign("$PSTMANTENNASTATUS,1,0,0,0"))?.status).toBe("open");
  });

  it("ignores unknown states, other text and lines with a bad checksum", () => {
    expect(antennaReportOf("$GNTXT,01,01,02,ANTSTATUS=INIT*3B")).toBeNull();
    expect(antennaReportOf(sign("$PGTOP,11,2"))).toBeNull();
    expect(antennaReportOf("$GNTXT,01,01,02,ANTSTATUS=OPEN*36")).toBeNull();
    expect(antennaReportOf("$GPTXT,DEFAULT PVT CONFIGURATION*2A")).toBeNull();
    expect(antennaReportOf(sign("$GPRMC,080000.00,A,3112.0000,N,12124.0000,E,0.0,,020326,,,A"))).toBeNull();
  });
});

describe("gnss_fault", () => {
  const where = { lat: 31.2, lon: 121.4 };

  it("raises once when the antenna goes open or short, again only after it was ok", () => {
    const watch = new GnssWatch(30);
    const open = { status: "open" as const, sentence: "$GNTXT,01,01,02,ANTSTATUS=OPEN*35" };

    const first = watch.antenna(open, T0, where);
    expect(first).toMatchObject({
      type: "gnss_fault",
      severity: "alarm",
      lat: 31.2,
      details: { reason: "antenna_open", sentence: open.sentence },
    });
    expect(watch.antenna(open, T0 + 1000, where)).toBeNull();
    expect(watch.antenna({ status: "ok", sentence: "" }, T0 + 2000, where)).toBeNull();
    expect(watch.antenna({ status: "short", sentence: "" }, T0 + 3000, where)?.details).toMatchObject({
      reason: "antenna_short",
    });
  });

  it("sees a silent receiver by its own clock jumping between epochs, and live by the watchdog, once", () => {
    const replayed = new GnssWatch(30);
    expect(replayed.epoch(T0, where)).toBeNull();
    expect(replayed.epoch(T0 + 1000, where)).toBeNull();
    expect(replayed.epoch(T0 + 61_000, where)).toMatchObject({
      startedAt: "2026-03-02T08:00:01.000Z",
      endedAt: "2026-03-02T08:01:01.000Z",
      details: { reason: "silent", silentS: 60 },
    });

    const live = new GnssWatch(30);
    live.epoch(T0, where);
    expect(live.silence(T0, T0 + 10_000, where)).toBeNull();
    expect(live.silence(T0, T0 + 30_000, where)?.details).toMatchObject({ reason: "silent", silentS: 30 });
    expect(live.silence(T0, T0 + 31_000, where)).toBeNull();
    expect(live.epoch(T0 + 60_000, where)).toBeNull();
  });
});

describe("track_gap", () => {
  const gnss = detectConfig().gnss;

  it("raises when the fix was lost for trackGapS while moving, with the distance across the gap", () => {
    const watch = new TrackGapWatch(gnss);
    const before = drive(Array(5).fill(40));
    for (const p of before) expect(watch.offer(p, "moving")).toBeNull();

    const after = point(64, 40, 800);
    const event = watch.offer(after, "moving");
    expect(event).toMatchObject({
      type: "track_gap",
      severity: "alarm",
      startedAt: "2026-03-02T08:00:04.000Z",
      endedAt: "2026-03-02T08:01:04.000Z",
    });
    expect(event!.details).toMatchObject({ durationS: 60, movingBefore: true });
    // The last fix before lay 4 s × 40 km/h east of the start; the first after, 800 m.
    expect(event!.details!.distanceM).toBeCloseTo(800 - 4 * (40 / 3.6), -1);
  });

  it("stays quiet for a short loss, or a long one at a standstill where the truck reappears", () => {
    const watch = new TrackGapWatch(gnss);
    watch.offer(point(0, 40), "moving");
    expect(watch.offer(point(20, 40, 220), "moving")).toBeNull();
    expect(watch.offer(point(600, 0, 225), "stopped")).toBeNull();
  });

  it("raises for a truck that stood when the fix went but reappears far away", () => {
    const watch = new TrackGapWatch(gnss);
    watch.offer(point(0, 0), "stopped");
    expect(watch.offer(point(300, 0, 2000), "stopped")?.details).toMatchObject({
      movingBefore: false,
      distanceM: expect.closeTo(2000, -1),
    });
  });
});

describe("motion", () => {
  const options = detectConfig().motion;

  it("is stopped under jitter, moving above the slow speed on average, and never moves on one fix", () => {
    const motion = new Motion(options);
    for (const s of [1, 2, 3, 2, 1, 2]) motion.offer(point(s, s));
    expect(motion.current).toBe("stopped");

    motion.offer(point(7, 40));
    expect(motion.current).toBe("slow");
    for (let s = 8; s < 20; s++) motion.offer(point(s, 30));
    expect(motion.current).toBe("moving");
  });

  it("is stopped while the ignition is off, whatever the fixes say", () => {
    const motion = new Motion(options);
    motion.ignition(false);
    for (let s = 0; s < 15; s++) motion.offer(point(s, 30));
    expect(motion.current).toBe("stopped");
  });
});
