import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../agent/contracts.js";
import { DetectionEngine } from "../../agent/detect/engine.js";
import { DetectStateFile } from "../../agent/detect/state-file.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone, ZoneIndex } from "../../config/zones/zone.js";
import { zoneFile } from "../../simulator/scenario/world.js";
import { T0, detectConfig, fix, weight } from "./helpers.js";

/** The scenario world's zones, straight into the index (the loader is tested on its own). */
function worldIndex(ids: string[], overrides: Record<string, Record<string, unknown>> = {}): ZoneIndex {
  const zones = zoneFile(ids, overrides).features.map(
    (f) => ({ ...f.properties, geometry: f.geometry }) as Zone,
  );
  return buildZoneIndex(zones, { timeZone: "Asia/Shanghai" });
}

interface Run {
  engine: DetectionEngine;
  events: AgentEvent[];
  trips: Array<Record<string, unknown>>;
}

function start(
  zones: ZoneIndex,
  options: { stateFile?: DetectStateFile; detect?: Record<string, unknown> } = {},
): Run {
  const run: Run = { engine: null as unknown as DetectionEngine, events: [], trips: [] };
  let seq = 0;
  run.engine = new DetectionEngine(
    {
      config: detectConfig(options.detect),
      zones,
      timeZone: "Asia/Shanghai",
      truckId: "T1",
      stateFile: options.stateFile ?? null,
    },
    {
      event: (event) => {
        run.events.push(event);
        return `T1:${++seq}`;
      },
      trip: (trip) => run.trips.push(trip),
    },
  );
  return run;
}

/** Parked at (eastM, northM) from `from` to `to` s, a fix and two weights a second. */
function park(
  run: Run,
  from: number,
  to: number,
  eastM: number,
  northM: number,
  kgAt: (s: number) => number,
): void {
  for (let s = from; s < to; s++) {
    run.engine.onFix(fix(s, { eastM, northM }), true);
    run.engine.onWeight(weight(s, kgAt(s)));
    run.engine.onWeight(weight(s + 0.5, kgAt(s)));
  }
}

/** Driving north along x = eastM at `speedKmh` from `fromNorthM`, one fix every `everyS`. */
function driveNorth(
  run: Run,
  from: number,
  seconds: number,
  eastM: number,
  fromNorthM: number,
  speedKmh: number,
  everyS = 1,
): number {
  let northM = fromNorthM;
  for (let s = from; s < from + seconds; s += everyS) {
    run.engine.onFix(fix(s, { eastM, northM, speedKmh }), true);
    northM += (speedKmh / 3.6) * everyS;
  }
  return northM;
}

/** Driving in straight legs through `points` (metres east, north) at `speedKmh`; returns the next second. */
function driveTo(run: Run, from: number, points: Array<[number, number]>, speedKmh: number): number {
  let second = from;
  let [x, y] = points[0]!;
  for (const [tx, ty] of points.slice(1)) {
    const legM = Math.hypot(tx - x, ty - y);
    const steps = Math.max(1, Math.round(legM / (speedKmh / 3.6)));
    for (let i = 1; i <= steps; i++) {
      run.engine.onFix(
        fix(second++, { eastM: x + ((tx - x) * i) / steps, northM: y + ((ty - y) * i) / steps, speedKmh }),
        true,
      );
    }
    [x, y] = [tx, ty];
  }
  return second;
}

const types = (events: AgentEvent[]) => events.map((e) => e.type);

describe("detection engine", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "muck-detect-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sees a small no-go zone passed between two sparse fixes, and only because it interpolates", () => {
    // NOGO-1 spans 800…900 east, 300…400 north; fixes every 15 s at 20 km/h (83 m apart) straddle it.
    const sparse = start(worldIndex(["NOGO-1"]));
    driveNorth(sparse, 0, 120, 850, 180, 20, 15);
    expect(types(sparse.events)).toEqual(["no_go_entry", "zone_exit"]);

    const blind = start(worldIndex(["NOGO-1"]), { detect: { zones: { stepM: 1000 } } });
    driveNorth(blind, 0, 120, 850, 180, 20, 15);
    expect(blind.events).toEqual([]);
  });

  it("keeps zone state, the settled weight and the open trip across a restart", () => {
    const state = new DetectStateFile(dir);
    const zones = worldIndex(["SITE-A", "DUMP-B"]);

    const before = start(zones, { stateFile: state });
    park(before, 0, 400, 0, 0, (s) => (s < 60 ? 15_000 : s < 160 ? 15_000 + (s - 60) * 200 : 35_000));
    const arrived = driveTo(
      before,
      400,
      [
        [0, 0],
        [1500, 0],
        [1500, 1560],
      ],
      50,
    );
    park(before, arrived, arrived + 30, 1500, 1560, () => 35_000);
    expect(types(before.events)).toEqual(["load", "zone_exit", "zone_enter"]);
    const saved = JSON.parse(readFileSync(state.path, "utf8"));
    expect(saved.state.trip).toMatchObject({ originSiteId: "SITE-A", loadedKg: 20_000 });
    expect(saved.state.presence.inside).toEqual([{ zoneId: "DUMP-B", enteredAtMs: expect.any(Number) }]);

    // The agent restarts where it stood; it tips there.
    const after = start(zones, { stateFile: state });
    const t = arrived + 100;
    park(after, t, t + 200, 1500, 1560, (s) =>
      s < t + 60 ? 35_000 : s < t + 100 ? 35_000 - (s - t - 60) * 500 : 15_000,
    );

    expect(types(after.events)).toEqual(["unload"]);
    expect(after.events[0]!.details).toMatchObject({ siteId: "DUMP-B", amountKg: 20_000 });
    expect(after.trips).toEqual([
      expect.objectContaining({
        originSiteId: "SITE-A",
        destinationSiteId: "DUMP-B",
        loadedKg: 20_000,
        unloadedKg: 20_000,
      }),
    ]);
  });

  it("does not re-announce a zone after a long loss of fix inside it", () => {
    const run = start(worldIndex(["DUMP-B"]));
    park(run, 0, 30, 1500, 1400, () => 0);
    driveNorth(run, 30, 20, 1500, 1400, 36);
    park(run, 50, 80, 1500, 1560, () => 0);
    expect(types(run.events)).toEqual(["zone_enter"]);

    for (let s = 80; s < 1280; s++) run.engine.onFix(fix(s, { valid: false }), false);
    park(run, 1280, 1320, 1500, 1562, () => 0);
    expect(types(run.events)).toEqual(["zone_enter"]);
  });

  it("attaches the seconds before a violation and lists its record id in the trip", () => {
    const run = start(worldIndex(["SITE-A", "DUMP-B"]));
    park(run, 0, 300, 0, 0, (s) => (s < 60 ? 15_000 : s < 160 ? 15_000 + (s - 60) * 200 : 35_000));
    // Out of the pit at 80 km/h against the default 60, then on to the disposal site at 50.
    let t = driveTo(
      run,
      300,
      [
        [0, 0],
        [900, 0],
      ],
      80,
    );
    t = driveTo(
      run,
      t,
      [
        [900, 0],
        [1500, 0],
        [1500, 1560],
      ],
      50,
    );

    const overspeed = run.events.find((e) => e.type === "overspeed" && e.details!.phase === "start")!;
    const context = overspeed.details!.context as { from: string; fixes: unknown[][]; weights: unknown[][] };
    expect(context.from).toBe(new Date(Date.parse(overspeed.startedAt) - 20_000).toISOString());
    expect(context.fixes).toHaveLength(21);
    expect(context.weights).toHaveLength(40);
    expect(context.fixes[0]).toEqual([0, expect.any(Number), expect.any(Number), 0, 1]);

    park(run, t, t + 200, 1500, 1560, (s) =>
      s < t + 50 ? 35_000 : s < t + 90 ? 35_000 - (s - t - 50) * 500 : 15_000,
    );
    expect(types(run.events)).toEqual([
      "load",
      "overspeed",
      "zone_exit",
      "overspeed",
      "zone_enter",
      "unload",
    ]);
    expect(run.trips[0]!.violationIds).toEqual(["T1:2", "T1:4"]);
  });
  it("puts weights stamped by a gateway clock hours off on the fixes' GPS time", () => {
    const run = start(worldIndex(["DUMP-B"]));
    const skewMs = 3 * 3600_000;
    for (let s = 0; s < 300; s++) {
      run.engine.onFix(
        { ...fix(s, { eastM: 1500, northM: 1560 }), receivedAtMs: T0 + s * 1000 + skewMs },
        true,
      );
      const kg = s < 100 ? 35_000 : s < 140 ? 35_000 - (s - 100) * 500 : 15_000;
      run.engine.onWeight({ ...weight(s, kg), time: new Date(T0 + s * 1000 + skewMs).toISOString() });
    }

    expect(types(run.events)).toEqual(["unload"]);
    // On GPS time (the tipping began at 08:01:40; the 5 s median sees it a few seconds in), not 11:01.
    expect(run.events[0]).toMatchObject({
      startedAt: expect.stringMatching(/^2026-03-02T08:01:4\d\.000Z$/),
      details: { positionSource: "fix", fixLost: false },
    });
  });
});
