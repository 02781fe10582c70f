/**
 * The map every scenario drives on, in metres east and north of a point in Shanghai, so a
 * scenario reads as distances ("stop 300 m past the school") rather than degrees.
 *
 *        y ▲                                   ┌DUMP-B┐  disposal site 1440…1560 × 1500…1620
 *          │                                   │      │
 *     1500 ┤                ┌NOGO-1┐           ╵ROUTE-1 (40 m wide, 50 km/h)
 *          │                └──────┘           │
 *          │        ┌SCHOOL-1 (30 km/h strip)  │
 *        0 ┼ SITE-A ╪════════════════════════════╛  route from the site gate east, then north
 *          └──────────────────────────────────────▶ x
 *   SITE-A: loading site −50…50 × −50…50        SCHOOL-1: 700…720 × −200…300 (a street crossing the route)
 *   NOGO-1: no-go zone 800…900 × 300…400        LOT-C: loading site 3000…3100 × 0…100 (off route)
 */
import { MuckError } from "../../agent/errors.js";

export const ORIGIN: Origin = { lat: 31.2, lon: 121.4 };

const M_PER_DEG_LAT = 111_320;

export type Xy = [number, number];
export interface Origin {
  lat: number;
  lon: number;
}

/** Metres east and north of `origin` to [lon, lat] (a local plane: fine within tens of km). */
export function toLonLat([x, y]: Xy, origin: Origin = ORIGIN): [number, number] {
  const lat = origin.lat + y / M_PER_DEG_LAT;
  const lon = origin.lon + x / (M_PER_DEG_LAT * Math.cos((origin.lat * Math.PI) / 180));
  return [lon, lat];
}

export function toXy([lon, lat]: readonly number[], origin: Origin = ORIGIN): Xy {
  const x = (lon! - origin.lon) * M_PER_DEG_LAT * Math.cos((origin.lat * Math.PI) / 180);
  return [x, (lat! - origin.lat) * M_PER_DEG_LAT];
}

/** Named places scenarios drive between. */
export const PLACES: Record<string, Xy> = {
  siteA: [0, 0],
  siteGate: [50, 0],
  schoolWest: [690, 0],
  schoolEast: [730, 0],
  corner: [1500, 0],
  dumpGate: [1500, 1500],
  dumpB: [1500, 1560],
  noGoSouth: [850, 292],
  noGoInside: [850, 350],
  lotC: [3050, 50],
};

/** A zone of the built-in map; its shape in metres, placed on the globe by an origin. */
interface WorldZone {
  properties: Record<string, unknown>;
  geometry: (origin: Origin) => GeoJSON.Polygon | GeoJSON.LineString;
}

function rectangle(x0: number, y0: number, x1: number, y1: number): WorldZone["geometry"] {
  const ring: Xy[] = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
  return (origin) => ({ type: "Polygon", coordinates: [ring.map((xy) => toLonLat(xy, origin))] });
}

export const WORLD: Record<string, WorldZone> = {
  "SITE-A": { properties: { kind: "loading_site", name: "Pit A" }, geometry: rectangle(-50, -50, 50, 50) },
  "DUMP-B": {
    properties: { kind: "disposal_site", name: "Disposal B" },
    geometry: rectangle(1440, 1500, 1560, 1620),
  },
  "LOT-C": { properties: { kind: "loading_site", name: "Lot C" }, geometry: rectangle(3000, 0, 3100, 100) },
  "ROUTE-1": {
    properties: { kind: "route", name: "Pit A to Disposal B", widthM: 40, speedLimitKmh: 50 },
    geometry: (origin) => ({
      type: "LineString",
      coordinates: (
        [
          [50, 0],
          [1500, 0],
          [1500, 1500],
        ] as Xy[]
      ).map((xy) => toLonLat(xy, origin)),
    }),
  },
  "SCHOOL-1": {
    properties: { kind: "speed_zone", name: "School street", speedLimitKmh: 30 },
    geometry: rectangle(700, -200, 720, 300),
  },
  "NOGO-1": {
    properties: { kind: "no_go", name: "Residential block" },
    geometry: rectangle(800, 300, 900, 400),
  },
};

/** A zone file (the loader's GeoJSON format) with the named zones, optionally with changed properties. */
export function zoneFile(
  ids: string[],
  overrides: Record<string, Record<string, unknown>> = {},
  origin: Origin = ORIGIN,
): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: ids.map((id) => {
      const zone = WORLD[id];
      if (zone === undefined) {
        throw new MuckError("SCENARIO_INVALID", `no zone "${id}" on the built-in map (${Object.keys(WORLD).join(", ")})`);
      }
      return {
        type: "Feature",
        properties: { id, ...zone.properties, ...overrides[id] },
        geometry: zone.geometry(origin),
      };
    }),
  };
}
