/**
 * Where a point is relative to polygons (with holes), multipolygons, circles and corridors,
 * checked against GeographicLib's geodesics on WGS84: boundaries within 0.5 % of the true
 * distance, as the detection issue asks at city scale.
 */
import { describe, expect, it } from "vitest";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone } from "../../config/zones/zone.js";
import { square } from "./fixtures.js";
import { destination, geodesicM } from "./geodesic.js";

const TOLERANCE = 0.005;
const AT = Date.parse("2024-05-01T12:00:00+08:00");
const options = { timeZone: "Asia/Shanghai" };

const PIT: [number, number] = [121.4, 31.2];
const pit: Zone = {
  id: "pit",
  name: "North pit",
  kind: "loading_site",
  geometry: { type: "Polygon", coordinates: [square(...PIT, 0.01), square(...PIT, 0.003)] },
};
const quarry: Zone = {
  id: "quarry",
  name: "Old quarry",
  kind: "disposal_site",
  geometry: {
    type: "MultiPolygon",
    coordinates: [[square(121.5, 31.2, 0.004)], [square(121.52, 31.2, 0.004)]],
  },
};
const GATE: [number, number] = [121.45, 31.25];
const gate: Zone = {
  id: "gate",
  name: "Gate",
  kind: "no_go",
  geometry: { type: "Point", coordinates: GATE },
  radiusM: 300,
};
const road: Zone = {
  id: "road",
  name: "Haul road",
  kind: "route",
  geometry: {
    type: "LineString",
    coordinates: [
      [121.4, 31.3],
      [121.42, 31.3],
      [121.42, 31.32],
    ],
  },
  segmentWidthsM: [40, 100],
};
const index = buildZoneIndex([pit, quarry, gate, road], options);

const ids = (lon: number, lat: number, marginM?: number) =>
  index.containing(lon, lat, AT, marginM).map((hit) => hit.zone.id);

describe("polygons", () => {
  it("counts a point in a hole as outside, and measures to the hole's edge", () => {
    expect(ids(PIT[0] + 0.006, PIT[1])).toEqual(["pit"]);
    expect(ids(...PIT)).toEqual([]);

    // The hole's nearest edge from its centre is the east/west one, 0.003° of longitude away.
    const toEdgeM = geodesicM(PIT, [PIT[0] + 0.003, PIT[1]]);
    const [hit] = index.containing(...PIT, AT, toEdgeM * 1.01);
    expect(hit?.zone.id).toBe("pit");
    expect(Math.abs(hit!.distanceM - toEdgeM)).toBeLessThan(toEdgeM * TOLERANCE);
    expect(ids(...PIT, toEdgeM * 0.99)).toEqual([]);
  });

  it("measures the distance outside the outer ring to within 0.5 % of the geodesic", () => {
    const northEdge: [number, number] = [PIT[0], PIT[1] + 0.01];
    for (const distanceM of [25, 100, 1000]) {
      const [lon, lat] = destination(northEdge, 0, distanceM);
      const hit = index
        .containing(lon, lat, AT, 2 * distanceM)
        .find((found) => found.zone.id === "pit");
      expect(Math.abs(hit!.distanceM - distanceM), `${distanceM} m`).toBeLessThan(
        distanceM * TOLERANCE,
      );
    }
  });

  it("finds a point in either polygon of a multipolygon, and not between them", () => {
    expect(ids(121.5, 31.2)).toEqual(["quarry"]);
    expect(ids(121.52, 31.203)).toEqual(["quarry"]);
    expect(ids(121.51, 31.2)).toEqual([]);
  });
});

describe("circles", () => {
  it.each([
    { centre: GATE, radiusM: 300 },
    { centre: [116.4, 39.9] as [number, number], radiusM: 5000 },
    { centre: [103.8, 1.35] as [number, number], radiusM: 2000 },
  ])(
    "has its boundary within 0.5 % of the geodesic radius ($radiusM m at lat $centre.1)",
    ({ centre, radiusM }) => {
      const circle = buildZoneIndex(
        [{ ...gate, geometry: { type: "Point", coordinates: centre }, radiusM }],
        options,
      );

      for (let azimuthDeg = 0; azimuthDeg < 360; azimuthDeg += 30) {
        const inside = destination(centre, azimuthDeg, radiusM * (1 - TOLERANCE));
        const outside = destination(centre, azimuthDeg, radiusM * (1 + TOLERANCE));
        expect(circle.containing(...inside, AT), `${azimuthDeg}° inside`).toHaveLength(1);
        expect(circle.containing(...outside, AT), `${azimuthDeg}° outside`).toHaveLength(0);

        const farM = radiusM * 1.5;
        const [hit] = circle.containing(...destination(centre, azimuthDeg, farM), AT, radiusM);
        expect(Math.abs(hit!.distanceM - (farM - radiusM))).toBeLessThan(farM * TOLERANCE);
      }
    },
  );
});

describe("corridors", () => {
  const segment0Middle: [number, number] = [121.41, 31.3];
  const segment1Middle: [number, number] = [121.42, 31.31];

  it("uses each segment's own width (40 m, then 100 m)", () => {
    for (const azimuthDeg of [0, 180]) {
      expect(
        index.containing(...destination(segment0Middle, azimuthDeg, 20 * (1 - TOLERANCE)), AT),
      ).toHaveLength(1);
      expect(
        index.containing(...destination(segment0Middle, azimuthDeg, 20 * (1 + TOLERANCE)), AT),
      ).toHaveLength(0);
    }
    for (const azimuthDeg of [90, 270]) {
      const [inside] = index.containing(
        ...destination(segment1Middle, azimuthDeg, 50 * (1 - TOLERANCE)),
        AT,
      );
      expect(inside).toMatchObject({ zone: { id: "road" }, distanceM: 0, segment: 1 });
      expect(
        index.containing(...destination(segment1Middle, azimuthDeg, 50 * (1 + TOLERANCE)), AT),
      ).toHaveLength(0);
    }
  });

  it("reports metres beyond the half-width and the nearest segment within a margin", () => {
    const [hit] = index.containing(...destination(segment0Middle, 0, 50), AT, 40);

    expect(hit?.segment).toBe(0);
    expect(Math.abs(hit!.distanceM - 30)).toBeLessThan(50 * TOLERANCE);
  });

  it("gives a point near the bend to the segment whose centre line is nearer", () => {
    // 45 m east of the bend's line along segment 1: inside segment 1's 50 m half-width only.
    const [hit] = index.containing(...destination([121.42, 31.3005], 90, 45), AT);
    expect(hit).toMatchObject({ distanceM: 0, segment: 1 });
  });
});

describe("nearest", () => {
  it("finds the nearest zone of a kind and its distance", () => {
    const from: [number, number] = [121.49, 31.2];
    const hit = index.nearest(...from, "disposal_site", AT);

    // The quarry's west polygon edge is at lon 121.496, straight east of the point.
    const expectedM = geodesicM(from, [121.496, 31.2]);
    expect(hit?.zone.id).toBe("quarry");
    expect(Math.abs(hit!.distanceM - expectedM)).toBeLessThan(expectedM * TOLERANCE);
  });

  it("answers 0 inside, null when no zone of the kind exists, and searches far", () => {
    expect(index.nearest(121.5, 31.2, "disposal_site", AT)?.distanceM).toBe(0);
    expect(index.nearest(121.5, 31.2, "speed_zone", AT)).toBeNull();
    expect(index.nearest(-74, 40.7, "no_go", AT)?.zone.id).toBe("gate");
  });

  it("works on an empty index", () => {
    const empty = buildZoneIndex([], options);
    expect(empty.containing(121.4, 31.2, AT, 100)).toEqual([]);
    expect(empty.nearest(121.4, 31.2, "route", AT)).toBeNull();
    expect(empty.speedLimitAt(121.4, 31.2, AT)).toBeNull();
  });
});
