/** The NDJSON shape of a fix on stdout (`replay --print fixes`): the fields a reader needs, in a fixed order. */
import type { Fix } from "./contracts.js";

export interface FixLine {
  time: string | null;
  lat: number | null;
  lon: number | null;
  speedKmh: number | null;
  courseDeg: number | null;
  altM: number | null;
  hdop: number | null;
  sats: number | null;
  valid: boolean;
}

export function toFixLine(fix: Fix): FixLine {
  return {
    time: fix.time,
    lat: fix.lat,
    lon: fix.lon,
    speedKmh: fix.speedKmh === null ? null : round(fix.speedKmh, 3),
    courseDeg: fix.courseDeg,
    altM: fix.altM,
    hdop: fix.hdop,
    sats: fix.sats,
    valid: fix.valid,
  };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
