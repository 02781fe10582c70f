/**
 * The replayed track, judged point by point against the limit that applies there (the zone
 * index's speedLimitAt, else the default limit) with the detectors' tolerance: within the limit,
 * above it but within tolerance, or above limit + tolerance. Only a colour on the map — the
 * overspeed events (durations, hysteresis) are what the agent decides.
 */
import type { ZoneIndex } from "../zone.js";
import type { SpeedClass } from "./style.js";

export interface TrackFix {
  atMs: number;
  lon: number;
  lat: number;
  speedKmh: number;
}

export interface JudgedFix extends TrackFix {
  limitKmh: number;
  speedClass: SpeedClass;
}

export interface SpeedRules {
  defaultLimitKmh: number;
  toleranceKmh: number;
}

export function judgeTrack(
  fixes: readonly TrackFix[],
  zones: ZoneIndex,
  rules: SpeedRules,
): JudgedFix[] {
  return fixes.map((fix) => {
    const limitKmh =
      zones.speedLimitAt(fix.lon, fix.lat, fix.atMs)?.limitKmh ?? rules.defaultLimitKmh;
    const speedClass: SpeedClass =
      fix.speedKmh <= limitKmh
        ? "within"
        : fix.speedKmh <= limitKmh + rules.toleranceKmh
          ? "tolerance"
          : "over";
    return { ...fix, limitKmh, speedClass };
  });
}
