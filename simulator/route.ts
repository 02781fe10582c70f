/**
 * A route the simulated truck drives: a line of [lon, lat] waypoints, WGS84, in GeoJSON order.
 * Distances along it and points on it come from turf, on its great-circle model, so a generated
 * position lies on the same line a test measures against.
 */
import { readFile } from "node:fs/promises";

import along from "@turf/along";
import bearing from "@turf/bearing";
import distance from "@turf/distance";
import { lineString } from "@turf/helpers";
import length from "@turf/length";
import type { Feature, LineString } from "geojson";

import { MuckError } from "../agent/errors.js";

export type LonLat = [lon: number, lat: number];

export class Route {
  readonly waypoints: readonly LonLat[];
  readonly line: Feature<LineString>;
  readonly lengthM: number;
  /** Distance from the start to the end of each segment, metres; segment i runs i → i + 1. */
  private readonly segmentEndM: number[];
  private readonly segmentCourseDeg: number[];

  constructor(waypoints: readonly LonLat[]) {
    validateWaypoints(waypoints);
    this.waypoints = waypoints.map(([lon, lat]) => [lon, lat] as LonLat);
    this.line = lineString(this.waypoints.map(([lon, lat]) => [lon, lat]));
    this.lengthM = length(this.line, { units: "meters" });
    if (!(this.lengthM > 0)) throw new MuckError("USAGE", "a route needs two distinct waypoints");

    this.segmentEndM = [];
    this.segmentCourseDeg = [];
    let travelledM = 0;
    for (let i = 0; i + 1 < waypoints.length; i++) {
      const from = this.waypoints[i]!;
      const to = this.waypoints[i + 1]!;
      travelledM += distance(from, to, { units: "meters" });
      this.segmentEndM.push(travelledM);
      this.segmentCourseDeg.push((bearing(from, to) + 360) % 360);
    }
  }

  /** The point `distanceM` along the route, clamped to its ends. */
  pointAt(distanceM: number): LonLat {
    const clampedM = Math.min(Math.max(distanceM, 0), this.lengthM);
    const [lon = NaN, lat = NaN] = along(this.line, clampedM, { units: "meters" }).geometry
      .coordinates;
    return [lon, lat];
  }

  /**
   * Course over ground on the segment that holds `distanceM`, degrees true 0..360. At a waypoint
   * it is the course of the segment leaving it, so a truck that reaches a corner turns there.
   */
  courseAt(distanceM: number): number {
    const index = this.segmentEndM.findIndex((endM) => distanceM < endM);
    const last = this.segmentCourseDeg.length - 1;
    return this.segmentCourseDeg[index < 0 ? last : index] ?? 0;
  }

  /** The same road driven back: for the return leg of a round trip. */
  reversed(): Route {
    return new Route([...this.waypoints].reverse());
  }

  /** Out along this route and back along the same road, as one route. */
  roundTrip(): Route {
    return new Route([...this.waypoints, ...[...this.waypoints].reverse().slice(1)]);
  }
}

/**
 * Reads a route from a GeoJSON file: a LineString, a Feature holding one, or a
 * FeatureCollection whose first LineString feature is taken.
 */
export async function loadRouteFile(file: string): Promise<Route> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MuckError("USAGE", `route file ${file}: ${(error as Error).message}`, { cause: error });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MuckError("USAGE", `route file ${file}: not JSON (${(error as Error).message})`);
  }

  const coordinates = findLineString(json);
  if (coordinates === null) {
    throw new MuckError("USAGE", `route file ${file}: no GeoJSON LineString found`);
  }
  try {
    return new Route(coordinates as LonLat[]);
  } catch (error) {
    throw new MuckError("USAGE", `route file ${file}: ${(error as Error).message}`);
  }
}

function findLineString(json: unknown): unknown[] | null {
  if (typeof json !== "object" || json === null) return null;
  const node = json as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };

  if (node.type === "LineString" && Array.isArray(node.coordinates)) return node.coordinates;
  if (node.type === "Feature") return findLineString(node.geometry);
  if (node.type === "FeatureCollection" && Array.isArray(node.features)) {
    for (const feature of node.features) {
      const found = findLineString(feature);
      if (found !== null) return found;
    }
  }
  return null;
}

function validateWaypoints(waypoints: readonly unknown[]): void {
  if (waypoints.length < 2) {
    throw new MuckError("USAGE", `a route needs at least 2 waypoints, got ${waypoints.length}`);
  }

  waypoints.forEach((point, index) => {
    const [lon, lat] = Array.isArray(point) ? (point as unknown[]) : [];
    const ok =
      typeof lon === "number" && typeof lat === "number" && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
    if (!ok) {
      const message = `waypoint ${index} is not [lon, lat] in degrees: ${JSON.stringify(point)}`;
      throw new MuckError("USAGE", message);
    }
  });
}
