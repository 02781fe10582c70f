/**
 * The map the zone-tool fixtures are drawn on: a haul from a pit north of a village to a quarry
 * east of it, with a night-only link south to a transfer station, near Shanghai (31.2° N). Places
 * are given in metres east and north of the origin and turned into [lon, lat] through the same
 * tangent plane the agent measures in, so sizes in the tests are the sizes written here.
 */
import { localFrame } from "../../../config/zones/metric.js";

const ORIGIN = { lon: 121.4, lat: 31.2 };
const FRAME = localFrame(ORIGIN.lon, ORIGIN.lat);

export type Xy = [eastM: number, northM: number];

/** `[lon, lat]` of a point `eastM`, `northM` from the origin, rounded to 1e-7° (~1 cm). */
export function at([eastM, northM]: Xy): [number, number] {
  const round = (degrees: number) => Math.round(degrees * 1e7) / 1e7;
  return [
    round(ORIGIN.lon + eastM / FRAME.mPerDegLon),
    round(ORIGIN.lat + northM / FRAME.mPerDegLat),
  ];
}

/** A closed rectangle ring around a centre, counter-clockwise as RFC 7946 asks of outer rings. */
export function rectangle(
  [east, north]: Xy,
  widthM: number,
  heightM: number,
): Array<[number, number]> {
  const [w, h] = [widthM / 2, heightM / 2];
  const corners: Xy[] = [
    [east - w, north - h],
    [east + w, north - h],
    [east + w, north + h],
    [east - w, north + h],
  ];
  return [...corners, corners[0]!].map(at);
}

/** Clockwise, for holes. */
export function hole(centre: Xy, widthM: number, heightM: number): Array<[number, number]> {
  return rectangle(centre, widthM, heightM).reverse();
}

export const PLACES = {
  pit: [0, 2000] as Xy,
  pitOffice: [60, 2030] as Xy,
  pitGate: [0, 1880] as Xy,
  bend: [0, 1000] as Xy,
  junction: [1500, 500] as Xy,
  quarryGate: [2860, 40] as Xy,
  quarry: [3000, 0] as Xy,
  quarryAnnex: [3300, -60] as Xy,
  transfer: [500, -1500] as Xy,
  village: [800, 750] as Xy,
  school: [1150, 1250] as Xy,
};

/** The haul road, pit to quarry, and the night link from its junction to the transfer station. */
export const HAUL_ROAD: Xy[] = [
  PLACES.pit,
  PLACES.pitGate,
  PLACES.bend,
  PLACES.junction,
  PLACES.quarryGate,
  PLACES.quarry,
];
export const NIGHT_LINK: Xy[] = [PLACES.junction, [900, -500], PLACES.transfer];
