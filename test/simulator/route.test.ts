/** Routes: read from the GeoJSON shapes people save them in, with errors that name the file. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { loadRouteFile, Route } from "../../simulator/route.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

const COORDINATES = [
  [121.5, 31.2],
  [121.51, 31.2],
];

let dir: TempDir | null = null;

afterEach(async () => {
  await dir?.remove();
  dir = null;
});

async function routeFile(content: unknown): Promise<string> {
  dir ??= await makeTempDir("muck-route-");
  const file = join(dir.path, `route-${Math.random().toString(36).slice(2)}.geojson`);
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("loadRouteFile", () => {
  it.each([
    ["a bare LineString", { type: "LineString", coordinates: COORDINATES }],
    ["a Feature", { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: COORDINATES } }],
    [
      "a FeatureCollection, taking its first LineString",
      {
        type: "FeatureCollection",
        features: [
          { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [0, 0] } },
          { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: COORDINATES } },
        ],
      },
    ],
  ])("reads %s", async (_, json) => {
    const route = await loadRouteFile(await routeFile(json));
    expect(route.waypoints).toEqual(COORDINATES);
    expect(route.lengthM).toBeCloseTo(951, 0);
  });

  it.each([
    ["not JSON", "{ nope", /not JSON/],
    ["no LineString", { type: "Point", coordinates: [0, 0] }, /no GeoJSON LineString/],
    ["one waypoint", { type: "LineString", coordinates: [[121.5, 31.2]] }, /at least 2 waypoints/],
    ["latitude out of range", { type: "LineString", coordinates: [[121.5, 95], [121.5, 31]] }, /waypoint 0/],
  ])("refuses %s, naming the file", async (_, content, message) => {
    const file = await routeFile(content);
    const error = await loadRouteFile(file).then(
      () => new Error("no error"),
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ code: "USAGE" });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(message);
  });
});

describe("Route", () => {
  it("gives the course of the segment a distance falls on, and the leaving one at a corner", () => {
    const route = new Route([[121.5, 31.2], [121.51, 31.2], [121.51, 31.21]]);
    const cornerM = 951.1;

    expect(route.courseAt(0)).toBeCloseTo(90, 1);
    expect(route.courseAt(cornerM - 10)).toBeCloseTo(90, 1);
    expect(route.courseAt(cornerM + 10)).toBeCloseTo(0, 1);
    expect(route.courseAt(route.lengthM)).toBeCloseTo(0, 1);
  });

  it("makes a round trip that ends where it started, twice as long", () => {
    const route = new Route([[121.5, 31.2], [121.51, 31.2], [121.51, 31.21]]);
    const trip = route.roundTrip();

    expect(trip.lengthM).toBeCloseTo(2 * route.lengthM, 6);
    expect(trip.pointAt(trip.lengthM)).toEqual([121.5, 31.2]);
  });
});
