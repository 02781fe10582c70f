/**
 * Scenario files themselves: what the schema refuses and where, routes from GPX and GeoJSON,
 * driving at the limits, the ground truth, and the bytes each fault really puts on the wire —
 * checked by decoding them with the agent's own drivers (replay --stats), not by reading the
 * generator back.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replayCaptures } from "../../agent/replay.js";
import { compileScenario } from "../../simulator/scenario/compile.js";
import { libraryFile } from "../../simulator/scenario/library.js";
import { checkScenarioText, loadScenario } from "../../simulator/scenario/load.js";
import { writeStreams } from "../../simulator/scenario/replay.js";
import { toLonLat } from "../../simulator/scenario/world.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-scenario-file-");
});
afterEach(async () => {
  await dir.remove();
});

const HEAD = "description: test\nstart: 2026-03-02T08:00:00Z\n";

async function compileText(text: string, name = "s.yaml") {
  const file = join(dir.path, name);
  await writeFile(file, text);
  return compileScenario(await loadScenario(file));
}

describe("the scenario schema", () => {
  it("reports every problem with its line and field, and suggests a misspelt key", () => {
    const text = `${HEAD}truck:\n  emptyKG: 3\nsteps:\n  - stay: 10\n    weightTo: heavy\n  - drive: [siteA]\n    speedKmh: fast\n  - park: 5\n`;
    const { loaded, issues } = checkScenarioText(text, "x.yaml");

    expect(loaded).toBeUndefined();
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [4, "truck.emptyKG", 'unknown option "emptyKG" in truck; did you mean "emptyKg"?'],
      [7, "steps[0].weightTo", "wrong type"],
      [9, "steps[1].speedKmh", 'a speed in km/h (above 0, at most 200) or "limit"'],
      [10, "steps[2]", "a step needs stay (seconds parked) or drive (places)"],
    ]);
  });

  it("reads JSON as well as YAML, and names a YAML syntax error's line", () => {
    const json = JSON.stringify({ description: "j", start: "2026-03-02T08:00:00Z", steps: [{ stay: 5 }] });
    expect(checkScenarioText(json, "j.json").loaded?.scenario.steps).toEqual([{ stay: 5 }]);

    const broken = checkScenarioText(`${HEAD}steps: [\n  {stay: 5},\n`, "b.yaml");
    expect(broken.issues).toHaveLength(1);
    expect(broken.issues[0]).toMatchObject({ file: "b.yaml", expected: "YAML or JSON" });
    expect(broken.issues[0]!.line).toBeGreaterThanOrEqual(3);
  });
});

describe("routes and speeds", () => {
  it("drives a GPX track and a GeoJSON LineString to their ends", async () => {
    const points = [[0, 0], [300, 0], [300, 400]].map((xy) => toLonLat(xy as [number, number]));
    const gpx = `<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>${points
      .map(([lon, lat]) => `<trkpt lat="${lat}" lon="${lon}"></trkpt>`)
      .join("")}</trkseg></trk></gpx>`;
    await writeFile(join(dir.path, "haul.gpx"), gpx);
    await writeFile(join(dir.path, "haul.geojson"), JSON.stringify({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: points } }));

    for (const route of ["haul.gpx", "haul.geojson"]) {
      const compiled = await compileText(`${HEAD}steps:\n  - drive: ${route}\n    speedKmh: 36\n`);
      const last = compiled.timeline.ticks.at(-1)!.truth.at;
      expect(last[0], route).toBeCloseTo(300, 0);
      expect(last[1], route).toBeCloseTo(400, 0);
      // 700 m at 10 m/s (a last partial second where a leg ends between two epochs).
      expect(compiled.durationS, route).toBeGreaterThanOrEqual(70);
      expect(compiled.durationS, route).toBeLessThanOrEqual(71);
    }
  });

  it("follows the limits: 45 on route 1, 25 in the school street, 55 off the route", async () => {
    const compiled = await compileText(
      `${HEAD}zones: [ROUTE-1, SCHOOL-1]\nsteps:\n  - drive: [[60, 0], [1400, 0], [1400, 200], [1600, 300]]\n    speedKmh: limit\n    limitOffsetKmh: -5\n`,
    );
    const ticks = compiled.timeline.ticks;

    // Each second's speed is the limit where that second began.
    expect(new Set(ticks.map((t) => t.truth.speedKmh))).toEqual(new Set([45, 25, 55]));
    const school = ticks.filter((t) => t.truth.speedKmh === 25).map((t) => t.truth.at[0]);
    expect(school.length).toBeGreaterThanOrEqual(2);
    for (const x of school) expect(x).toBeGreaterThan(700);
    for (const x of school) expect(x).toBeLessThan(735);
    expect(ticks.at(-1)!.truth.speedKmh).toBe(55);
    expect(compiled.truth).toEqual([]);
  });
});

describe("ground truth", () => {
  it("classifies loads and unloads by where they happen and finds the normal day clean", async () => {
    const day = await compileScenario(await loadScenario(libraryFile("normal-day")));
    expect(day.truth.map((t) => [t.type, t.details.siteId])).toEqual([
      ["load", "SITE-A"], ["unload", "DUMP-B"], ["load", "SITE-A"], ["unload", "DUMP-B"], ["load", "SITE-A"], ["unload", "DUMP-B"],
    ]);

    const dump = await compileScenario(await loadScenario(libraryFile("illegal-dump")));
    expect(dump.truth).toMatchObject([{ type: "illegal_dump", startS: 85, endS: 125, details: { siteId: null } }]);
  });

  it("is the same for the same seed and differs in noise, not in events, for another", async () => {
    const file = libraryFile("trap-rough-road");
    const a = await compileScenario(await loadScenario(file));
    const b = await compileScenario(await loadScenario(file));
    const c = await compileScenario(await loadScenario(file), 99);

    expect(b.timeline.ticks.map((t) => t.scale)).toEqual(a.timeline.ticks.map((t) => t.scale));
    expect(c.timeline.ticks.map((t) => t.scale)).not.toEqual(a.timeline.ticks.map((t) => t.scale));
    expect(c.truth).toEqual(a.truth);
  });
});

describe("faults on the wire, as the agent's drivers see them", () => {
  it("breaks checksums, cuts lines, spikes HDOP and jumps where faults-gps says", async () => {
    const compiled = await compileScenario(await loadScenario(libraryFile("faults-gps")));
    const files = await writeStreams(compiled, dir.path);
    const stats = await replayCaptures({ gpsFile: files.gps, configFile: files.config, zonesFile: files.zones, print: "events" }, () => undefined);

    // 5 s of RMC + GGA with a broken checksum; 3 s of them cut in half.
    expect(stats.gps.faults.badChecksum).toBe(10);
    expect(stats.gps.faults.missingChecksum + stats.gps.faults.cutOff).toBe(6);
    expect(stats.gate).toMatchObject({ hdop: 10, jump: 1 });
    expect(stats.gate.invalid).toBeGreaterThanOrEqual(20);
  });

  it("sends scale garbage, CR-only frames and a week-rollover date", async () => {
    const rig = await compileScenario(await loadScenario(libraryFile("faults-rig")));
    const garbled = rig.timeline.ticks.filter((t) => /[\u0080-\u00ff]/.test(t.scale));
    expect(garbled).toHaveLength(20);
    expect(rig.timeline.ticks.filter((t) => t.gps === "")).toHaveLength(8);
    expect(rig.timeline.ticks.flatMap((t) => t.actions.map((a) => [t.s, a.kind]))).toEqual([
      [420, "unplug"], [428, "replug"], [465, "brokerDown"], [585, "brokerUp"],
    ]);

    const crOnly = await compileScenario(await loadScenario(libraryFile("faults-scale")));
    expect(crOnly.timeline.ticks[0]!.scale).toMatch(/^(ST|US),GS,\+\d{6} kg\r(ST|US),GS,\+\d{6} kg\r$/);

    const old = await compileScenario(await loadScenario(libraryFile("week-rollover")));
    // 2026-03-02 less 1024 weeks is 2006-07-17.
    expect(old.timeline.ticks[0]!.gps).toMatch(/^\$GPRMC,080000\.00,A,.*,170706,,,A\*/);
  });
});
