/**
 * A zone's ground as a turf geometry, for tests between zones (do two sites overlap, does a
 * route reach a site). Circles become 64-sided polygons: within 0.12 % of the radius, far below
 * what a site boundary is drawn to.
 */
import circle from "@turf/circle";
import type { Zone } from "./zone.js";

const CIRCLE_STEPS = 64;

export function zoneArea(zone: Zone): GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.LineString {
  const geometry = zone.geometry;
  if (geometry.type !== "Point") return geometry;

  const radiusKm = (zone.radiusM ?? 0) / 1000;
  return circle(geometry.coordinates, radiusKm, { steps: CIRCLE_STEPS, units: "kilometers" })
    .geometry;
}

/** A corridor's width on each segment, metres. */
export function segmentWidthsM(zone: Zone): number[] {
  if (zone.geometry.type !== "LineString") return [];
  const segments = zone.geometry.coordinates.length - 1;
  return zone.segmentWidthsM ?? Array.from({ length: segments }, () => zone.widthM ?? 0);
}
