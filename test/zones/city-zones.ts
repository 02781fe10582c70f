/**
 * Zones spread over a city the way a fleet's zone file is: sites as small triangles, circles of
 * 20–420 m, three-segment route corridors, a fifth of them active only at night. Shared by the
 * index test (many-zones.test.ts) and the benchmark's zones row, so both judge the same map.
 */
import type { Zone, ZoneKind } from "../../config/zones/zone.js";

export const CITY_TIME_ZONE = "Asia/Shanghai";
export const ZONE_KINDS: ZoneKind[] = ["loading_site", "disposal_site", "route", "speed_zone", "no_go"];
// Shanghai's built-up area, about 40 km by 40 km.
export const CITY = { minLon: 121.25, minLat: 31.05, spanLon: 0.42, spanLat: 0.36 };

export function makeCityZones(count: number, next: () => number): Zone[] {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const lon = CITY.minLon + next() * CITY.spanLon;
    const lat = CITY.minLat + next() * CITY.spanLat;
    const base = {
      id: `z${index}`,
      name: `Zone ${index}`,
      kind: pick(ZONE_KINDS),
      ...(next() < 0.5 ? { speedLimitKmh: 20 + Math.floor(next() * 40) } : {}),
      ...(next() < 0.2 ? { activeHours: [{ from: "20:00", to: "06:00" }] } : {}),
    };
    const shape = next();
    if (shape < 0.4) {
      const half = 0.0005 + next() * 0.003;
      const ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon, lat + half],
        [lon - half, lat - half],
      ];
      return { ...base, geometry: { type: "Polygon", coordinates: [ring] } } as Zone;
    }
    if (shape < 0.7) {
      return { ...base, geometry: { type: "Point", coordinates: [lon, lat] }, radiusM: 20 + next() * 400 } as Zone;
    }
    const line = [[lon, lat]];
    for (let i = 0; i < 3; i++) line.push([line[i]![0]! + (next() - 0.5) * 0.01, line[i]![1]! + (next() - 0.5) * 0.01]);
    return {
      ...base,
      geometry: { type: "LineString", coordinates: line },
      segmentWidthsM: [10 + next() * 50, 10 + next() * 50, 10 + next() * 50],
      segmentLimitsKmh: [null, 30, null],
    } as Zone;
  });
}
