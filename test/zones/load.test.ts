import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MuckError } from "../../agent/errors.js";
import { loadZones } from "../../config/zones/load.js";
import { ZonesError, type ZoneIssue } from "../../config/zones/zone-error.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { collection, feature, square, writeZoneFile, type Properties } from "./fixtures.js";

const TZ = { timeZone: "Asia/Shanghai" };
let dir: TempDir;
beforeAll(async () => void (dir = await makeTempDir("muck-zones-")));
afterAll(() => dir.remove());

let fileCount = 0;
function write(content: object | string): string {
  return writeZoneFile(dir.path, `zones-${++fileCount}.geojson`, content);
}

async function issuesOf(content: object | string): Promise<ZoneIssue[]> {
  const error = await loadZones(write(content), TZ).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ZonesError);
  expect((error as ZonesError).code).toBe("ZONES_INVALID");
  return (error as ZonesError).issues;
}

async function onlyIssue(geometry: unknown, properties: Properties): Promise<ZoneIssue> {
  const issues = await issuesOf(collection(feature(geometry, properties)));
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  return issues[0]!;
}

const site = { id: "site-1", name: "North pit", kind: "loading_site" };
const corridorProps = { id: "route-1", name: "Haul road", kind: "route" };
const circleProps = { id: "gate-1", name: "Gate", kind: "no_go" };

describe("a valid zone file", () => {
  it("loads every shape with its properties, and drops operators' meta notes", async () => {
    const file = write(
      collection(
        feature(
          { type: "Polygon", coordinates: [square(121.4, 31.2, 0.01), square(121.4, 31.2, 0.003)] },
          { ...site, speedLimitKmh: 15, meta: { owner: "Pudong works", since: 2023 } },
        ),
        feature(
          {
            type: "MultiPolygon",
            coordinates: [[square(121.5, 31.2, 0.004)], [square(121.52, 31.2, 0.004)]],
          },
          {
            id: "dump-1",
            name: "Old quarry",
            kind: "disposal_site",
            validFrom: "2024-01-01",
            validTo: "2030-12-31",
          },
        ),
        feature(
          { type: "Point", coordinates: [121.45, 31.25, 4.5] },
          { ...circleProps, radiusM: 300 },
        ),
        feature(
          {
            type: "LineString",
            coordinates: [
              [121.4, 31.3],
              [121.42, 31.3],
              [121.42, 31.32],
            ],
          },
          {
            ...corridorProps,
            speedLimitKmh: 50,
            segmentWidthsM: [40, 100],
            segmentLimitsKmh: [null, 30],
            night: { limitKmh: 40, hours: { from: "22:00", to: "06:00" } },
            activeHours: [{ from: "20:00", to: "07:00" }],
          },
        ),
      ),
    );

    const zones = await loadZones(file, TZ);

    expect(zones.map((zone) => [zone.id, zone.kind, zone.geometry.type])).toEqual([
      ["site-1", "loading_site", "Polygon"],
      ["dump-1", "disposal_site", "MultiPolygon"],
      ["gate-1", "no_go", "Point"],
      ["route-1", "route", "LineString"],
    ]);
    expect(zones[0]).not.toHaveProperty("meta");
    expect(zones[0]?.speedLimitKmh).toBe(15);
    expect(zones[1]?.validTo).toBe("2030-12-31");
    expect(zones[2]?.radiusM).toBe(300);
    expect(zones[3]?.segmentLimitsKmh).toEqual([null, 30]);
    expect(zones[3]?.night).toEqual({ limitKmh: 40, hours: { from: "22:00", to: "06:00" } });
  });

  it("accepts an empty collection and a QGIS-style CRS84 crs member", async () => {
    const crs = { type: "name", properties: { name: "urn:ogc:def:crs:OGC:1.3:CRS84" } };
    expect(await loadZones(write({ ...collection(), crs, name: "zones" }), TZ)).toEqual([]);
  });
});

describe("invalid geometry is rejected with the feature id and the reason", () => {
  const polygon = (...rings: number[][][]) => ({ type: "Polygon", coordinates: rings });

  it.each([
    {
      case: "an unclosed ring",
      geometry: polygon([
        [121.4, 31.2],
        [121.41, 31.2],
        [121.41, 31.21],
        [121.4, 31.21],
      ]),
      path: "features[0].geometry.coordinates[0][3]",
      reason: /outer ring is not closed/,
    },
    {
      case: "too few positions",
      geometry: polygon([
        [121.4, 31.2],
        [121.41, 31.2],
        [121.4, 31.2],
      ]),
      path: "features[0].geometry.coordinates[0]",
      reason: /outer ring has too few positions/,
    },
    {
      case: "a self-intersecting (bow-tie) ring",
      geometry: polygon([
        [121.4, 31.2],
        [121.41, 31.21],
        [121.41, 31.2],
        [121.4, 31.21],
        [121.4, 31.2],
      ]),
      path: "features[0].geometry.coordinates[0]",
      reason: /outer ring intersects itself at \[121\.405, 31\.205\]/,
    },
    {
      case: "a latitude out of range",
      geometry: polygon([
        [121.4, 31.2],
        [121.41, 95],
        [121.41, 31.21],
        [121.4, 31.2],
      ]),
      path: "features[0].geometry.coordinates[0][1]",
      reason: /latitude 95 is out of range/,
    },
    {
      case: "a longitude out of range",
      geometry: polygon([
        [121.4, 31.2],
        [190, 31.2],
        [121.41, 31.21],
        [121.4, 31.2],
      ]),
      path: "features[0].geometry.coordinates[0][1]",
      reason: /longitude 190 is out of range/,
    },
    {
      case: "swapped coordinates",
      geometry: polygon([
        [31.2, 121.4],
        [31.2, 121.41],
        [31.21, 121.41],
        [31.2, 121.4],
      ]),
      path: "features[0].geometry.coordinates[0][0]",
      reason: /coordinates look swapped \(lat,lon instead of lon,lat\).*and 3 more/,
    },
    {
      case: "a hole outside the outer ring",
      geometry: polygon(square(121.4, 31.2, 0.01), square(121.5, 31.2, 0.001)),
      path: "features[0].geometry.coordinates[1]",
      reason: /ring 1 \(a hole\) lies outside the outer ring/,
    },
    {
      case: "a hole crossing the outer ring",
      geometry: polygon(square(121.4, 31.2, 0.01), square(121.41, 31.2, 0.002)),
      path: "features[0].geometry.coordinates",
      reason: /a hole crosses the outer ring/,
    },
    {
      case: "a position that is not [lon, lat]",
      geometry: polygon([[121.4, 31.2], [121.41], [121.41, 31.21], [121.4, 31.2]]),
      path: "features[0].geometry.coordinates[0][1]",
      reason: /not a position/,
    },
    {
      case: "an unsupported geometry type",
      geometry: { type: "MultiLineString", coordinates: [] },
      path: "features[0].geometry.type",
      reason: /unsupported geometry type/,
    },
    {
      case: "a missing geometry",
      geometry: null,
      path: "features[0].geometry",
      reason: /no geometry/,
    },
  ])("$case", async ({ geometry, path, reason }) => {
    const issue = await onlyIssue(geometry, site);

    expect(issue.feature).toBe('"site-1"');
    expect(issue.path).toBe(path);
    expect(issue.message).toMatch(reason);
    expect(issue.line).toBeGreaterThan(1);
  });

  it("rejects the polygons of a MultiPolygon that overlap", async () => {
    const geometry = {
      type: "MultiPolygon",
      coordinates: [[square(121.4, 31.2, 0.01)], [square(121.41, 31.2, 0.01)]],
    };
    const issue = await onlyIssue(geometry, site);
    expect(issue.message).toMatch(/polygons of this MultiPolygon cross/);
  });

  it.each([
    {
      case: "a circle without radiusM",
      geometry: { type: "Point", coordinates: [121.45, 31.25] },
      properties: circleProps,
      field: "radiusM",
      reason: /circle zone \(Point geometry\) needs its radius/,
    },
    {
      case: "a circle with radiusM 0",
      geometry: { type: "Point", coordinates: [121.45, 31.25] },
      properties: { ...circleProps, radiusM: 0 },
      field: "radiusM",
      reason: /too small/,
    },
    {
      case: "a corridor without a width",
      geometry: {
        type: "LineString",
        coordinates: [
          [121.4, 31.3],
          [121.42, 31.3],
        ],
      },
      properties: corridorProps,
      field: "widthM",
      reason: /route corridor \(LineString geometry\) needs its width/,
    },
    {
      case: "segment widths of the wrong length",
      geometry: {
        type: "LineString",
        coordinates: [
          [121.4, 31.3],
          [121.42, 31.3],
          [121.42, 31.32],
        ],
      },
      properties: { ...corridorProps, segmentWidthsM: [40, 50, 60] },
      field: "segmentWidthsM",
      reason: /one entry per segment/,
    },
    {
      case: "segment limits of the wrong length",
      geometry: {
        type: "LineString",
        coordinates: [
          [121.4, 31.3],
          [121.42, 31.3],
          [121.42, 31.32],
        ],
      },
      properties: { ...corridorProps, widthM: 30, segmentLimitsKmh: [40] },
      field: "segmentLimitsKmh",
      reason: /one entry per segment/,
    },
    {
      case: "both widthM and segmentWidthsM",
      geometry: {
        type: "LineString",
        coordinates: [
          [121.4, 31.3],
          [121.42, 31.3],
        ],
      },
      properties: { ...corridorProps, widthM: 30, segmentWidthsM: [40] },
      field: "segmentWidthsM",
      reason: /not both/,
    },
    {
      case: "a width on a polygon",
      geometry: { type: "Polygon", coordinates: [square(121.4, 31.2, 0.01)] },
      properties: { ...site, id: "route-1", widthM: 30 },
      field: "widthM",
      reason: /widthM does not apply to a polygon/,
    },
  ])("$case", async ({ geometry, properties, field, reason }) => {
    const issue = await onlyIssue(geometry, properties);

    expect(issue.feature).toBe(JSON.stringify(properties.id));
    expect(issue.path).toBe(`features[0].properties.${field}`);
    expect(issue.message).toMatch(reason);
  });

  it("rejects a corridor of one position", async () => {
    const issue = await onlyIssue(
      { type: "LineString", coordinates: [[121.4, 31.3]] },
      { ...corridorProps, widthM: 30 },
    );
    expect(issue.path).toBe("features[0].geometry.coordinates");
    expect(issue.message).toMatch(/at least 2 positions/);
  });
});

describe("invalid properties", () => {
  const geometry = { type: "Polygon", coordinates: [square(121.4, 31.2, 0.01)] };

  it("rejects an unknown property and suggests the one meant", async () => {
    const issue = await onlyIssue(geometry, { ...site, speedLimtKmh: 20 });

    expect(issue.path).toBe("features[0].properties.speedLimtKmh");
    expect(issue.message).toMatch(/did you mean "speedLimitKmh"/);
  });

  it.each([
    { field: "kind", value: "parking", reason: /not an allowed value/ },
    { field: "speedLimitKmh", value: -5, reason: /too small/ },
    {
      field: "activeHours",
      value: [{ from: "25:00", to: "06:00" }],
      path: "activeHours[0].from",
      reason: /not a clock time/,
    },
    {
      field: "activeHours",
      value: [{ from: "06:00", to: "06:00" }],
      path: "activeHours[0].to",
      reason: /same time/,
    },
    { field: "validFrom", value: "2024-02-30", reason: /not a calendar date/ },
  ])("rejects $field = $value", async ({ field, value, path, reason }) => {
    const issue = await onlyIssue(geometry, { ...site, [field]: value });

    expect(issue.path).toBe(`features[0].properties.${path ?? field}`);
    expect(issue.message).toMatch(reason);
  });

  it("rejects validTo before validFrom", async () => {
    const issue = await onlyIssue(geometry, {
      ...site,
      validFrom: "2025-06-01",
      validTo: "2025-05-31",
    });
    expect(issue.path).toBe("features[0].properties.validTo");
    expect(issue.message).toMatch(/before validFrom/);
  });

  it("names a feature without an id by its index", async () => {
    const issues = await issuesOf(
      collection(feature(geometry, site), feature(geometry, { name: "Nameless", kind: "no_go" })),
    );

    expect(issues).toHaveLength(1);
    expect(issues[0]?.feature).toBe("features[1]");
    expect(issues[0]?.path).toBe("features[1].properties.id");
    expect(issues[0]?.message).toBe("required property is missing");
  });

  it("rejects a duplicate id, naming the feature that has it first", async () => {
    const issues = await issuesOf(collection(feature(geometry, site), feature(geometry, site)));

    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("features[1].properties.id");
    expect(issues[0]?.message).toMatch(/duplicate zone id; features\[0\] already uses it/);
  });

  it("rejects a crs that is not WGS84 longitude/latitude", async () => {
    const crs = { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::3857" } };
    const issues = await issuesOf({ ...collection(feature(geometry, site)), crs });

    expect(issues[0]?.path).toBe("crs");
    expect(issues[0]?.feature).toBe("");
  });
});

describe("the whole file at once", () => {
  it("lists every problem in file order with its line, in one error message", async () => {
    const text = JSON.stringify(
      collection(
        feature({ type: "Point", coordinates: [121.45, 31.25] }, circleProps),
        feature({ type: "Polygon", coordinates: [square(31.2, 121.4, 0.01)] }, site),
        feature(
          {
            type: "LineString",
            coordinates: [
              [121.4, 31.3],
              [121.42, 31.3],
            ],
          },
          { ...corridorProps, colour: "red" },
        ),
      ),
      null,
      2,
    );
    const error = (await loadZones(write(text), TZ).catch(
      (caught: unknown) => caught,
    )) as ZonesError;

    expect(error.issues.map((issue) => [issue.feature, issue.path])).toEqual([
      ['"gate-1"', "features[0].properties.radiusM"],
      ['"site-1"', "features[1].geometry.coordinates[0][0]"],
      ['"route-1"', "features[2].properties.widthM"],
      ['"route-1"', "features[2].properties.colour"],
    ]);
    const lines = error.issues.map((issue) => issue.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(error.message.split("\n")[0]).toMatch(
      /zones-\d+\.geojson: 4 problems in the zone file$/,
    );
    expect(error.message).toMatch(
      /zones-\d+\.geojson:\d+: feature "site-1": features\[1\]\.geometry\.coordinates\[0\]\[0\]: coordinates look swapped/,
    );
  });

  it("reports a missing file and broken JSON with their own codes", async () => {
    const missing = await loadZones(`${dir.path}/nope.geojson`, TZ).catch(
      (caught: unknown) => caught,
    );
    expect((missing as MuckError).code).toBe("ZONES_NOT_FOUND");
    expect((missing as MuckError).message).toMatch(/nope\.geojson: zone file not found/);

    const broken = await loadZones(
      write('{\n  "type": "FeatureCollection",\n  "features": [,]\n}'),
      TZ,
    ).catch((caught: unknown) => caught);
    expect((broken as MuckError).code).toBe("ZONES_NOT_JSON");
    expect((broken as MuckError).message).toMatch(/\.geojson:3: not valid JSON/);
  });

  it("rejects a collection that is not a FeatureCollection", async () => {
    const issues = await issuesOf({ type: "Feature", features: [] });
    expect(issues[0]?.path).toBe("type");
  });
});
