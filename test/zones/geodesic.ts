/**
 * Independent geodesic reference for the zone tests: GeographicLib (Karney's algorithms on the
 * WGS84 ellipsoid, accurate to nanometres), a different library and method than the code's
 * local-plane metres, so agreement means something.
 */
import geographiclib from "geographiclib-geodesic";

const wgs84 = geographiclib.Geodesic.WGS84;

/** The position `distanceM` from [lon, lat] along the initial bearing `azimuthDeg`. */
export function destination(
  from: readonly [number, number],
  azimuthDeg: number,
  distanceM: number,
): [number, number] {
  const result = wgs84.Direct(from[1], from[0], azimuthDeg, distanceM);
  return [result.lon2!, result.lat2!];
}

/** Geodesic distance between two [lon, lat] positions, metres. */
export function geodesicM(a: readonly [number, number], b: readonly [number, number]): number {
  return wgs84.Inverse(a[1], a[0], b[1], b[0]).s12!;
}
