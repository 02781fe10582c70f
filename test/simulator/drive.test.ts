/**
 * The generated drive, checked the way the agent will read it: its sentences go through the
 * project's GPS decoder, and the fixes that come out must carry the profiled speed, lie on the
 * route, head along the segment they are on and count time on from the start.
 */
import bearing from "@turf/bearing";
import distance from "@turf/distance";
import pointToLineDistance from "@turf/point-to-line-distance";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Fix } from "../../agent/contracts.js";
import { setLogLevel } from "../../agent/log.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { driveEpochs, type DrivePlan } from "../../simulator/drive.js";
import { playDrive } from "../../simulator/drive-player.js";
import { epochSentences } from "../../simulator/nmea-sentences.js";
import { Route, type LonLat } from "../../simulator/route.js";
import { SimClock } from "../../simulator/sim-clock.js";
import { muckTrip, SHANGHAI_ROUTE } from "../../simulator/trip.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { waitFor } from "../helpers/wait-for.js";
import { openAgentSide, type AgentSide } from "./agent-side.js";

beforeAll(() => setLogLevel("silent"));

/** An L: about 951 m east, then about 1,112 m north, on the edge of Pudong. */
const CORNER: LonLat[] = [
  [121.5, 31.2],
  [121.51, 31.2],
  [121.51, 31.21],
];
const START_MS = Date.parse("2024-03-01T23:59:50Z");

/** 10 m/s to a 5 s stop at 100 m; 72 km/h from t = 20 s for 500 m; then 54 km/h to the end. */
const PLAN: DrivePlan = {
  route: new Route(CORNER),
  speed: [
    { untilS: 20, speedKmh: 36 },
    { distanceM: 500, speedKmh: 72 },
    { speedKmh: 54 },
  ],
  stops: [{ atM: 100, durationS: 5 }],
  startTimeMs: START_MS,
};

/** The speed the plan above prescribes at each second, worked out by hand. */
function plannedSpeedKmh(second: number): number {
  if (second < 10) return 36;
  if (second < 15) return 0;
  if (second < 20) return 36;
  // 150 m at t = 20 s, then 20 m/s: the 500 m stretch ends at 650 m, reached at t = 45 s.
  if (second < 45) return 72;
  return 54;
}

function decodeAll(lines: Iterable<string>): { fixes: Fix[]; decoder: GpsDecoder } {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix));
  for (const line of lines) decoder.pushLine(line);
  decoder.flush();
  return { fixes, decoder };
}

function* planLines(plan: DrivePlan): Generator<string> {
  for (const epoch of driveEpochs(plan)) yield* epochSentences(epoch);
}

function secondOf(fix: Fix): number {
  return (Date.parse(fix.time!) - START_MS) / 1000;
}

describe("generated drive, decoded by the GPS driver", () => {
  const { fixes, decoder } = decodeAll(planLines(PLAN));

  it("gives one valid fix per epoch, with no sentence rejected", () => {
    const epochs = [...driveEpochs(PLAN)];
    expect(fixes).toHaveLength(epochs.length);
    expect(fixes.every((fix) => fix.valid && fix.mode === 3 && fix.quality === "gps")).toBe(true);

    const stats = decoder.stats();
    expect(Object.values(stats.faults).every((count) => count === 0)).toBe(true);
    expect(stats.sentences).toBe(4 * epochs.length);
  });

  it("carries the profiled speed, within 0.1 km/h, with the stop at 0 for its 5 s", () => {
    const moving = fixes.slice(0, -1);
    for (const fix of moving) expect(Math.abs(fix.speedKmh! - plannedSpeedKmh(secondOf(fix)))).toBeLessThan(0.1);

    const stopped = fixes.filter((fix) => fix.speedKmh === 0).map(secondOf);
    expect(stopped).toEqual([10, 11, 12, 13, 14, secondOf(fixes.at(-1)!)]);
  });

  it("puts every position on the route, within 1 m", () => {
    for (const fix of fixes) {
      const offM = pointToLineDistance([fix.lon!, fix.lat!], PLAN.route.line, { units: "meters" });
      expect(offM).toBeLessThan(1);
    }
    const stopAtM = distance(CORNER[0]!, [fixes[12]!.lon!, fixes[12]!.lat!], { units: "meters" });
    expect(stopAtM).toBeCloseTo(100, 0);
  });

  it("heads along the segment it is on and ends at the last waypoint", () => {
    const firstLegM = distance(CORNER[0]!, CORNER[1]!, { units: "meters" });
    const legCourse = [bearing(CORNER[0]!, CORNER[1]!), (bearing(CORNER[1]!, CORNER[2]!) + 360) % 360];

    for (const fix of fixes.slice(0, -1)) {
      const onFirstLeg = distance(CORNER[0]!, [fix.lon!, fix.lat!], { units: "meters" }) < firstLegM;
      expect(fix.courseDeg!).toBeCloseTo(legCourse[onFirstLeg ? 0 : 1]!, 1);
    }

    const last = fixes.at(-1)!;
    expect(distance(CORNER[2]!, [last.lon!, last.lat!], { units: "meters" })).toBeLessThan(0.1);
  });

  it("counts UTC time on from the start, rolling the date over at midnight", () => {
    expect(fixes.map(secondOf)).toEqual(fixes.map((_, index) => index));
    expect(fixes[9]!.time).toBe("2024-03-01T23:59:59.000Z");
    expect(fixes[10]!.time).toBe("2024-03-02T00:00:00.000Z");
  });

  it("reports knots as km/h ÷ 1.852 in RMC and VTG", () => {
    const epoch = [...driveEpochs(PLAN)][25]!;
    const [rmc, vtg] = epochSentences(epoch);
    expect(rmc!.split(",")[7]).toBe((72 / 1.852).toFixed(3));
    expect(vtg!.split(",").slice(5, 8)).toEqual([(72 / 1.852).toFixed(3), "N", "72.000"]);
  });

  it("starts the route over on the next epoch with loop", () => {
    const once = [...driveEpochs(PLAN)].length;
    const looped = driveEpochs({ ...PLAN, loop: true });
    const epochs = Array.from({ length: once + 3 }, () => looped.next().value!);

    expect(epochs[once]).toMatchObject({ lap: 1, distanceM: 0, elapsedS: once, speedKmh: 36 });
  });
});

describe("the built-in muck trip", () => {
  const trip = muckTrip(new Route(SHANGHAI_ROUTE), { startTimeMs: START_MS });
  const epochs = [...driveEpochs(trip.plan)];
  const haulM = new Route(SHANGHAI_ROUTE).lengthM;

  it("stands 45 s loading, hauls at up to 70 km/h, stands 30 s unloading, comes back", () => {
    expect(epochs.slice(0, 45).every((epoch) => epoch.stopped)).toBe(true);
    expect(epochs[45]!.speedKmh).toBe(30);
    expect(Math.max(...epochs.map((epoch) => epoch.speedKmh))).toBe(70);

    const unloading = epochs.filter((epoch) => epoch.stopped && epoch.distanceM === haulM);
    expect(unloading).toHaveLength(30);
    expect(epochs.at(-1)!.distanceM).toBeCloseTo(2 * haulM, 3);
    expect(trip.lapS).toBe(epochs.length);
  });

  it("is loaded from the end of loading to the start of unloading, empty on the way back", () => {
    const weightKg = (epoch: { elapsedS: number }) => trip.profile.weightAt(epoch.elapsedS);
    const firstUnloading = epochs.find((epoch) => epoch.stopped && epoch.distanceM === haulM)!;

    expect(weightKg(epochs[0]!)).toBe(0);
    expect(weightKg(epochs[9]!)).toBe(0); // empty long enough for the agent to learn the empty weight
    expect(epochs.filter((epoch) => epoch.distanceM > 0 && epoch.distanceM < haulM).every((e) => weightKg(e) === 12_340)).toBe(true);
    expect(weightKg(firstUnloading)).toBe(12_340);
    expect(epochs.filter((epoch) => epoch.distanceM > haulM).every((e) => weightKg(e) === 0)).toBe(true);
  });
});

describe("drive player over a real pseudo-terminal", () => {
  let fixture: PtyFixture | null = null;
  let agent: AgentSide | null = null;

  afterEach(async () => {
    await agent?.stop();
    await fixture?.close();
    agent = null;
    fixture = null;
  });

  it("delivers each epoch at its time, ×10, and the agent's side decodes the same fixes", async () => {
    fixture = await createPtyFixture({ name: "gps" });
    agent = await openAgentSide(fixture.devicePath, "gps", { lines: true });
    const plan: DrivePlan = { route: new Route(CORNER.slice(0, 2)), speed: 360, startTimeMs: START_MS };
    const expected = decodeAll(planLines(plan)).fixes;

    const startedMs = performance.now();
    const player = playDrive(fixture.device!, plan, { clock: new SimClock(10) });
    await player.done;
    const tookMs = performance.now() - startedMs;
    await waitFor(() => agent!.lines.length === 4 * expected.length, 2000, "every sentence at the agent");

    // 11 epochs 1 s apart at ×10: the last goes out 1 s after the first.
    expect(expected).toHaveLength(11);
    expect(tookMs).toBeGreaterThan(900);
    expect(tookMs).toBeLessThan(2500);

    const received = decodeAll(agent.lines).fixes;
    const strip = (fix: Fix) => ({ ...fix, receivedAtMs: 0, receivedMonoMs: 0 });
    expect(received.map(strip)).toEqual(expected.map(strip));
  });
});
