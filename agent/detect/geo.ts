/**
 * The little geometry the detectors need: distances on the WGS84 surface (turf, like the zone
 * index) and points between two fixes. Positions are decimal degrees; distances metres.
 */
import distance from "@turf/distance";

export interface LatLon {
  lat: number;
  lon: number;
}

export function distanceM(from: LatLon, to: LatLon): number {
  return distance([from.lon, from.lat], [to.lon, to.lat], { units: "meters" });
}

/**
 * The point `fraction` of the way from `from` to `to`. Linear in degrees: between fixes a few
 * hundred metres apart the error against the great circle is millimetres.
 */
export function between(from: LatLon, to: LatLon, fraction: number): LatLon {
  return { lat: from.lat + (to.lat - from.lat) * fraction, lon: from.lon + (to.lon - from.lon) * fraction };
}

/** Rounded for records: 7 decimals of a degree is about a centimetre. */
export function roundDeg(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

/** Rounded to a tenth: metres, km/h, seconds in events. */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
