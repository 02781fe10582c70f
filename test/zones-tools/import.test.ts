import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkZoneFile } from "../../config/zones/check.js";
import { readSource } from "../../config/zones/import/read-source.js";
import {
  toZones,
  type ImportOptions,
  type ZoneFeature,
} from "../../config/zones/import/to-zones.js";
import { compileShape } from "../../config/zones/shapes.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { CLI_BUDGET_MS, FILES, muckAgent } from "./cli.js";
import { at, HAUL_ROAD, PLACES } from "./files/layout.js";

let dir: TempDir;
beforeAll(async () => void (dir = await makeTempDir("muck-import-")));
afterAll(() => dir.remove());

const base: ImportOptions = { idPrefix: "", simplifyM: 5, sourceName: "test" };
const NOW = Date.parse("2026-12-03T12:00:00Z");

async function importFile(file: string, options: Partial<ImportOptions>) {
  const source = await readSource(file);
  return toZones(source.features, { ...base, ...options });
}

describe("GPX as a GPS editor exports it", () => {
  it("turns the track (two segments split at a bridge) and the route into corridors, skipping the waypoint", async () => {
    const imported = await importFile(join(FILES, "haul-road.gpx"), { widthM: 30 });

    expect(imported.problems).toEqual([]);
    expect(imported.skipped).toEqual([
      'wpt "Quarry gate": a point; give --radius to import points as circles',
    ]);
    expect(imported.zones.map((zone) => zone.properties)).toEqual([
      expect.objectContaining({ id: "haul-road-pit-7-to-east-quarry", kind: "route", widthM: 30 }),
      expect.objectContaining({
        id: "night-link-to-the-transfer-station",
        name: "Night link to the transfer station",
        meta: { source: "test", description: "Permit N-2026-14, 22:00-05:00 only" },
      }),
    ]);
  });

  it("keeps the recorded road within a few metres while dropping most of its vertices", async () => {
    const imported = await importFile(join(FILES, "haul-road.gpx"), { widthM: 30 });
    const track = imported.zones[0]!.geometry as GeoJSON.LineString;
    const road = compileShape({
      id: "r",
      name: "r",
      kind: "route",
      widthM: 0.001,
      geometry: { type: "LineString", coordinates: HAUL_ROAD.map(at) },
    });

    expect(imported.sourceVertices.get(0)).toBeGreaterThan(300);
    expect(track.coordinates.length).toBeLessThan(60);
    // Noise of ±3 m plus the 5 m tolerance: every kept vertex lies within 9 m of the true road,
    // and the line runs the whole way, pit to quarry, across the bridge gap.
    for (const [lon, lat] of track.coordinates)
      expect(road.place(lon!, lat!).distanceM).toBeLessThan(9);
    const [startLon, startLat] = at(PLACES.pit);
    const [endLon, endLat] = at(PLACES.quarry);
    expect(Math.abs(track.coordinates[0]![0]! - startLon)).toBeLessThan(1e-4);
    expect(Math.abs(track.coordinates[0]![1]! - startLat)).toBeLessThan(1e-4);
    expect(Math.abs(track.coordinates.at(-1)![0]! - endLon)).toBeLessThan(1e-4);
    expect(Math.abs(track.coordinates.at(-1)![1]! - endLat)).toBeLessThan(1e-4);
  });

  it("makes one corridor per track, naming unnamed ones after --name", async () => {
    const gpx = `<?xml version="1.0" encoding="UTF-8"?>
<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="test">
  <trk><trkseg><trkpt lat="31.20" lon="121.40"/><trkpt lat="31.21" lon="121.40"/></trkseg></trk>
  <trk><name>Back road</name><trkseg><trkpt lat="31.21" lon="121.40"/><trkpt lat="31.21" lon="121.41"/></trkseg></trk>
  <trk><trkseg><trkpt lat="31.21" lon="121.41"/><trkpt lat="31.20" lon="121.41"/></trkseg>
       <trkseg><trkpt lat="31.19" lon="121.41"/><trkpt lat="31.18" lon="121.41"/></trkseg></trk>
</gpx>`;
    const file = join(dir.path, "three-tracks.gpx");
    writeFileSync(file, gpx);
    const imported = await importFile(file, { widthM: 40, name: "Spur", idPrefix: "hk-" });

    expect(imported.zones.map((zone) => [zone.properties.id, zone.properties.name])).toEqual([
      ["hk-spur-1", "Spur 1"],
      ["hk-back-road", "Back road"],
      // Segments 1.1 km apart are two roads, not a gap in one.
      ["hk-spur-2-part-1", "Spur 2 (part 1)"],
      ["hk-spur-2-part-2", "Spur 2 (part 2)"],
    ]);
  });
});

describe("KML as Google Earth saves it", () => {
  it("takes each placemark's kind from its folder, keeps holes, parts, names and ExtendedData", async () => {
    const imported = await importFile(join(FILES, "sites.kml"), { radiusM: 120, widthM: 25 });
    const byName: Record<string, ZoneFeature> = Object.fromEntries(
      imported.zones.map((zone) => [String(zone.properties.name), zone]),
    );

    expect(imported.problems).toEqual([]);
    expect(Object.values(byName).map((zone) => [zone.properties.kind, zone.geometry.type])).toEqual(
      [
        ["loading_site", "Polygon"],
        ["disposal_site", "MultiPolygon"],
        ["disposal_site", "Point"],
        ["no_go", "Polygon"],
        ["speed_zone", "Polygon"],
        ["route", "LineString"],
      ],
    );
    expect((byName["Pit 7 excavation"]!.geometry as GeoJSON.Polygon).coordinates).toHaveLength(2);
    expect((byName["East quarry fill"]!.geometry as GeoJSON.MultiPolygon).coordinates).toHaveLength(
      2,
    );
    expect(byName["South transfer station"]!.properties.radiusM).toBe(120);
    expect(byName["Xinqiao village"]!.properties.speedLimitKmh).toBe(30); // ExtendedData
    expect(byName["Quarry annex lane"]!.properties.widthM).toBe(30); // ExtendedData beats --width
    expect(byName["Pit 7 excavation"]!.properties.meta).toEqual({
      source: "test",
      folder: "Loading sites",
      description: "Permit HK-2026-0317, site office inside",
    });
  });

  it("lets --kind override the folders", async () => {
    const imported = await importFile(join(FILES, "sites.kml"), {
      kind: "no_go",
      radiusM: 50,
      widthM: 30,
    });
    expect(new Set(imported.zones.map((zone) => zone.properties.kind))).toEqual(new Set(["no_go"]));
  });
});

describe("GeoJSON as QGIS exports it", () => {
  it("reads CRS84 layers with upper-case names and refuses a projected one", async () => {
    const layer = {
      type: "FeatureCollection",
      name: "sites",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:OGC:1.3:CRS84" } },
      features: [
        {
          type: "Feature",
          properties: { fid: 1, NAME: "Yard" },
          geometry: {
            type: "MultiPolygon",
            coordinates: [[[at([0, 0]), at([100, 0]), at([100, 100]), at([0, 0])]]],
          },
        },
      ],
    };
    const file = join(dir.path, "qgis.geojson");
    writeFileSync(file, JSON.stringify(layer));
    const imported = await importFile(file, { kind: "loading_site" });
    expect(imported.zones).toMatchObject([
      {
        properties: { id: "yard", name: "Yard", kind: "loading_site" },
        geometry: { type: "Polygon" },
      },
    ]);

    writeFileSync(
      file,
      JSON.stringify({
        ...layer,
        crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::3857" } },
      }),
    );
    await expect(readSource(file)).rejects.toMatchObject({
      code: "IMPORT_INVALID",
      message: expect.stringContaining("EPSG::3857"),
    });
  });
});

describe("muck-agent zones import", () => {
  it(
    "builds the walkthrough's zone file from the GPX and the KML: loadable and clean",
    async () => {
      const out = join(dir.path, "zones.geojson");
      const route = await muckAgent(
        "zones",
        "import",
        join(FILES, "haul-road.gpx"),
        "--width",
        "30",
        "--out",
        out,
      );
      expect(route.exitCode, route.stderr).toBe(0);
      expect(route.stdout).toMatch(/3 features read \(gpx\); 2 zones written to .*zones\.geojson/);
      expect(route.stdout).toMatch(
        /haul-road-pit-7-to-east-quarry\s+│ route\s+│ corridor, \d+ of 407 vertices\s+│ 4\.\d\d km\s+│ 30 m wide/,
      );

      const sites = await muckAgent(
        "zones",
        "import",
        join(FILES, "sites.kml"),
        "--radius",
        "120",
        "--width",
        "30",
        "--out",
        out,
        "--append",
      );
      expect(sites.exitCode, sites.stderr).toBe(0);
      expect(sites.stdout).toContain("6 zones written");
      expect(sites.stdout).toContain("after the 2 zones already there");

      const checked = checkZoneFile(readFileSync(out, "utf8"), { source: out, nowMs: NOW });
      expect(checked.errors).toEqual([]);
      expect(checked.warnings).toEqual([]);
      expect(checked.zones).toHaveLength(8);
    },
    CLI_BUDGET_MS,
  );

  it(
    "writes nothing when a line has no width, and says which feature and why",
    async () => {
      const out = join(dir.path, "never.geojson");
      const run = await muckAgent("zones", "import", join(FILES, "haul-road.gpx"), "--out", out);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(
        'error: trk "Haul road pit 7 to east quarry": a line needs a corridor width: give --width',
      );
      expect(() => readFileSync(out)).toThrow();
    },
    CLI_BUDGET_MS,
  );

  it(
    "refuses a file that is not XML with IMPORT_INVALID",
    async () => {
      const file = join(dir.path, "broken.kml");
      writeFileSync(file, "<kml><Document><Placemark></Document>");
      const run = await muckAgent("zones", "import", file, "--kind", "no-go");
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/IMPORT_INVALID: .*broken\.kml: not a well-formed XML file/);
    },
    CLI_BUDGET_MS,
  );
});
