import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../agent/contracts.js";
import { OverspeedDetector } from "../../agent/detect/overspeed.js";
import type { TrackPoint } from "../../agent/detect/track-point.js";
import { detectConfig, drive } from "./helpers.js";

function run(points: TrackPoint[], speed: Record<string, unknown> = {}): AgentEvent[] {
  const detector = new OverspeedDetector(detectConfig({ speed }).speed, null);
  return points.flatMap((p) => detector.offer(p));
}

const repeat = (speedKmh: number, seconds: number) => Array<number>(seconds).fill(speedKmh);

describe("overspeed", () => {
  it("opens after minDurationS above limit + tolerance and closes after clearDurationS below limit − hysteresis", () => {
    // Default 60 km/h, tolerance 5, hysteresis 5, 5 s to start, 10 s to end.
    const events = run(drive([...repeat(50, 10), ...repeat(80, 20), ...repeat(50, 15)]));

    expect(events.map((e) => e.details!.phase)).toEqual(["start", "end"]);
    const [start, end] = events;
    expect(start).toMatchObject({
      type: "overspeed",
      severity: "alarm",
      startedAt: "2026-03-02T08:00:10.000Z",
    });
    expect(start!.details).toMatchObject({ limitKmh: 60, toleranceKmh: 5, zoneId: null, speedKmh: 80 });
    expect(end!.details).toMatchObject({ phase: "end", limitKmh: 60, maxSpeedKmh: 80, durationS: 20 });
    expect(end!.endedAt).toBe("2026-03-02T08:00:30.000Z");
    // Time-weighted: 19 s at 80 and the last second from 80 down to 50.
    expect(end!.details!.meanSpeedKmh).toBe(79.3);
    // 19 s at 80 km/h plus the last second at 50 km/h, as driven between the start and end fixes.
    expect(end!.details!.distanceM).toBeCloseTo(19 * (80 / 3.6) + 50 / 3.6, -1);
    expect(end!.details!.start).toEqual({ lat: start!.lat, lon: start!.lon });
  });

  it("never opens on a single-fix spike, nor on a run shorter than minDurationS", () => {
    expect(run(drive([...repeat(50, 10), 120, ...repeat(50, 10)]))).toEqual([]);
    expect(run(drive([...repeat(50, 10), ...repeat(70, 5), ...repeat(50, 10)]))).toEqual([]);
  });

  it("opens on one valid over-limit fix when minDurationS is 0", () => {
    const events = run(drive([...repeat(50, 5), 120, ...repeat(50, 10)]), {
      minDurationS: 0,
      clearDurationS: 0,
    });

    expect(events.map((e) => e.details!.phase)).toEqual(["start", "end"]);
    expect(events[0]!.startedAt).toBe("2026-03-02T08:00:05.000Z");
  });

  it("raises nothing for a speed hovering at the limit, and one episode for bursts over it with hovering between", () => {
    const atLimit = Array.from({ length: 120 }, (_, i) => 60 + ((i * 7) % 9) - 4); // 56 … 64
    expect(run(drive(atLimit))).toEqual([]);

    // Hovering above limit − hysteresis never ends the episode the first burst opened.
    const events = run(drive([...repeat(72, 10), ...atLimit, ...repeat(72, 10), ...repeat(40, 20)]));
    expect(events.map((e) => e.details!.phase)).toEqual(["start", "end"]);
    expect(events[1]!.details!.durationS).toBe(140);
  });

  it("restarts a pending run across a lost fix: over-limit fixes either side of a gap are not continuous", () => {
    const before = drive(repeat(80, 4));
    const after = drive(repeat(80, 4), 30, 200);
    expect(run([...before, ...after])).toEqual([]);
  });

  it("warns before the limit with a pre-warning margin", () => {
    const events = run(drive([...repeat(50, 5), ...repeat(58, 10), ...repeat(40, 20)]), { preWarningKmh: 5 });

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "overspeed_warning",
      severity: "warning",
      details: { limitKmh: 60, marginKmh: 5 },
    });
  });
});
