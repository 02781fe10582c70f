/**
 * Row 3, zones: the detectors' cost per fix with 10,000 zones against 10, both spread the same
 * way over the city (test/zones/city-zones.ts). The truck drives the city's diagonal at 40 km/h
 * with a 10 Hz receiver; every fix goes through the detection engine (speed limit, presence,
 * route, loads) exactly as the pipeline hands it over. Alternated three times; medians.
 */
import type { Fix } from "../../../agent/contracts.js";
import { DetectionEngine } from "../../../agent/detect/engine.js";
import { buildZoneIndex } from "../../../config/zones/index.js";
import type { ZoneIndex } from "../../../config/zones/zone.js";
import { seededRandom } from "../../../simulator/prng.js";
import { CITY, CITY_TIME_ZONE, makeCityZones } from "../../zones/city-zones.js";
import { alternate, median, timed, type BenchOptions, type RowResult } from "../measure.js";
import { benchConfig } from "../truck-agent.js";

const SPEED_KMH = 40;
const START_MS = Date.parse("2026-05-01T01:00:00Z");

/** Fixes every 100 ms along the city's diagonal, south-west to north-east. */
function diagonalDrive(count: number): Fix[] {
  const lengthM = Math.hypot(CITY.spanLat * 111_320, CITY.spanLon * 111_320 * Math.cos((31.2 * Math.PI) / 180));
  const stepM = SPEED_KMH / 3.6 / 10;
  return Array.from({ length: count }, (_, i) => {
    const along = ((i * stepM) % lengthM) / lengthM;
    const timeMs = START_MS + i * 100;
    return {
      time: new Date(timeMs).toISOString(),
      timeOfDay: null,
      lat: CITY.minLat + along * CITY.spanLat,
      lon: CITY.minLon + along * CITY.spanLon,
      speedKmh: SPEED_KMH,
      courseDeg: 45,
      altM: 12,
      geoidSepM: 8.9,
      hdop: 0.8,
      sats: 12,
      quality: "gps",
      mode: 3,
      valid: true,
      receivedAtMs: timeMs,
      sources: ["GNRMC", "GNGGA"],
    };
  });
}

export async function zonesRow(options: BenchOptions): Promise<RowResult> {
  const fixes = diagonalDrive(options.quick ? 6000 : 36_000);
  const config = benchConfig("BENCH-ZONES");
  // One generator for both maps: the ten zones are the first ten of the ten thousand.
  const many = makeCityZones(10_000, seededRandom(11));
  const indexes = { many: buildZoneIndex(many, { timeZone: CITY_TIME_ZONE }), few: buildZoneIndex(many.slice(0, 10), { timeZone: CITY_TIME_ZONE }) };
  let events = 0;

  const perFixUs = async (zones: ZoneIndex) => {
    const engine = new DetectionEngine(
      { config: config.detect, zones, timeZone: CITY_TIME_ZONE, truckId: "BENCH-ZONES" },
      { event: () => `e${++events}`, trip: () => undefined },
    );
    const ms = await timed(() => {
      for (const fix of fixes) engine.onFix(fix, true);
    });
    return (ms * 1000) / fixes.length;
  };

  const runs = await alternate(3, () => perFixUs(indexes.many), () => perFixUs(indexes.few));
  const agent = median(runs.agent);
  const baseline = median(runs.baseline);
  return {
    id: "3",
    name: "Zones: detection per fix, 10,000 vs 10 zones",
    unit: "µs/fix",
    agent,
    baseline,
    ratio: agent / baseline,
    target: "≤ 3×",
    met: agent / baseline <= 3,
    detail: { fixes: fixes.length, events, runs },
  };
}
