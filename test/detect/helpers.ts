/** Test-side builders: fixes, weight samples and a detect config with defaults, all on a fixed clock. */
import type { Fix, WeightSample } from "../../agent/contracts.js";
import type { TrackPoint } from "../../agent/detect/track-point.js";
import { DetectSchema, type DetectConfig } from "../../config/detect-schema.js";

/** 2026-03-02 08:00:00 UTC: every test's time zero. */
export const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
export const LAT0 = 31.2;
export const LON0 = 121.4;

const M_PER_DEG_LAT = 111_320;

/** A position `eastM`, `northM` metres from (LAT0, LON0). */
export function at(eastM: number, northM = 0): { lat: number; lon: number } {
  return {
    lat: LAT0 + northM / M_PER_DEG_LAT,
    lon: LON0 + eastM / (M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180)),
  };
}

export function detectConfig(overrides: Record<string, unknown> = {}): DetectConfig {
  return DetectSchema.parse(overrides);
}

export function point(second: number, speedKmh: number, eastM = 0, northM = 0): TrackPoint {
  return { atMs: T0 + second * 1000, speedKmh, ...at(eastM, northM) };
}

/** A straight eastward drive, one point a second, at the given speed per second. */
export function drive(speedsKmh: number[], startSecond = 0, startEastM = 0): TrackPoint[] {
  let eastM = startEastM;
  return speedsKmh.map((speedKmh, i) => {
    if (i > 0) eastM += speedKmh / 3.6;
    return point(startSecond + i, speedKmh, eastM);
  });
}

export function fix(
  second: number,
  options: { speedKmh?: number; eastM?: number; northM?: number; valid?: boolean } = {},
): Fix {
  const valid = options.valid ?? true;
  const where = at(options.eastM ?? 0, options.northM ?? 0);
  const time = new Date(T0 + second * 1000).toISOString();
  return {
    time,
    timeOfDay: time.slice(11, 23),
    lat: valid ? where.lat : null,
    lon: valid ? where.lon : null,
    speedKmh: valid ? (options.speedKmh ?? 0) : null,
    courseDeg: null,
    altM: null,
    geoidSepM: null,
    hdop: valid ? 0.9 : null,
    sats: valid ? 10 : 0,
    quality: valid ? "gps" : "none",
    mode: valid ? 3 : null,
    valid,
    receivedAtMs: T0 + second * 1000,
    sources: ["GPRMC", "GPGGA"],
  };
}

export function weight(
  second: number,
  weightKg: number,
  options: { stable?: boolean; error?: boolean } = {},
): WeightSample {
  return {
    time: new Date(T0 + second * 1000).toISOString(),
    weightKg,
    kind: "gross",
    stable: options.stable ?? true,
    overload: false,
    error: options.error ?? false,
  };
}
