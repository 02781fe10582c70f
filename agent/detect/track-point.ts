/**
 * What the detectors judge the truck by: a fix that passed the fix gate, reduced to its time,
 * position and speed. Time is the fix's GPS time, the detectors' only clock, so a replay of a
 * capture decides exactly what the truck decided live.
 */
import type { Fix } from "../contracts.js";
import { isoMs } from "../iso-time.js";
import { distanceM } from "./geo.js";

export interface TrackPoint {
  atMs: number;
  lat: number;
  lon: number;
  speedKmh: number;
}

/** Null when the fix has no position or no date (before the receiver's first RMC or ZDA). */
export function trackPointOf(fix: Fix, previous: TrackPoint | null): TrackPoint | null {
  if (fix.time === null || fix.lat === null || fix.lon === null) return null;
  const atMs = isoMs(fix.time);
  const here = { atMs, lat: fix.lat, lon: fix.lon, speedKmh: fix.speedKmh ?? 0 };
  if (fix.speedKmh !== null || previous === null || atMs <= previous.atMs) return here;

  // No speed sentence (GGA-only receivers): the speed between this fix and the last one.
  here.speedKmh = (distanceM(previous, here) / ((atMs - previous.atMs) / 1000)) * 3.6;
  return here;
}

export function iso(atMs: number): string {
  return new Date(atMs).toISOString();
}
