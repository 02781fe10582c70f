/**
 * 10,000 zones spread over a city: the index answers exactly what a scan of every zone answers.
 * (Speed is the benchmark's business; this checks the spatial index never misses a zone.)
 */
import { describe, expect, it } from "vitest";
import { buildZoneIndex } from "../../config/zones/index.js";
import { compileSchedule } from "../../config/zones/schedule.js";
import { compileShape } from "../../config/zones/shapes.js";
import { localTime } from "../../config/zones/local-time.js";
import type { Zone, ZoneHit, ZoneKind } from "../../config/zones/zone.js";
import { CITY, CITY_TIME_ZONE, ZONE_KINDS, makeCityZones } from "./city-zones.js";
import { seededRandom as random } from "../../simulator/prng.js";

/** The same questions answered by placing the point against every zone. */
function scanAll(zones: Zone[]) {
  const compiled = zones.map((zone) => ({
    zone,
    shape: compileShape(zone),
    schedule: compileSchedule(zone),
  }));

  return (lon: number, lat: number, atMs: number, marginM: number, kind: ZoneKind) => {
    const local = localTime(atMs, CITY_TIME_ZONE);
    const placed = compiled
      .filter((entry) => entry.schedule.isActive(local))
      .map((entry) => ({ ...entry, placement: entry.shape.place(lon, lat) }));
    const limits = placed
      .filter(({ placement }) => placement.distanceM === 0)
      .map(({ schedule, placement }) => schedule.limitKmh(local, placement.segment))
      .filter((limit): limit is number => limit !== undefined);
    const ofKind = placed
      .filter(({ zone }) => zone.kind === kind)
      .map(({ placement }) => placement.distanceM);

    return {
      containing: placed
        .filter(({ placement }) => placement.distanceM <= marginM)
        .map(({ zone, placement }): ZoneHit => ({ zone, ...placement })),
      nearestM: ofKind.length === 0 ? undefined : Math.min(...ofKind),
      lowestLimitKmh: limits.length === 0 ? null : Math.min(...limits),
    };
  };
}

describe("10,000 zones over a city", () => {
  const next = random(20_240_501);
  const zones = makeCityZones(10_000, next);
  const index = buildZoneIndex(zones, { timeZone: CITY_TIME_ZONE });
  const scan = scanAll(zones);

  it("answers every question as a scan of all zones does", () => {
    let hits = 0;
    for (let query = 0; query < 150; query++) {
      const lon = CITY.minLon + next() * CITY.spanLon;
      const lat = CITY.minLat + next() * CITY.spanLat;
      const atMs = Date.parse("2024-05-01T00:00:00+08:00") + Math.floor(next() * 86_400_000);
      const marginM = next() < 0.5 ? 0 : next() * 150;
      const kind = ZONE_KINDS[Math.floor(next() * ZONE_KINDS.length)]!;
      const expected = scan(lon, lat, atMs, marginM, kind);
      const where = `query ${query} at ${lon},${lat}`;

      const found = index.containing(lon, lat, atMs, marginM);
      expect(found, where).toEqual(expected.containing);
      expect(index.nearest(lon, lat, kind, atMs)?.distanceM, where).toBe(expected.nearestM);
      expect(index.speedLimitAt(lon, lat, atMs)?.limitKmh ?? null, where).toBe(
        expected.lowestLimitKmh,
      );
      hits += found.length;
    }

    // Dense enough that the comparison is about real hits, not empty lists.
    expect(hits).toBeGreaterThan(75);
  });
});
