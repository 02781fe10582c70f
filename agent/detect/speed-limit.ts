/**
 * The limit at a fix: the lowest of the configured default, the speed zones containing it and
 * its route segment's limit, night limits in their hours (the zone index answers the last two).
 */
import type { ZoneIndex } from "../../config/zones/zone.js";
import type { TrackPoint } from "./track-point.js";

export interface LimitHere {
  limitKmh: number;
  /** The zone (or route) that set the limit; null for the default. */
  zoneId: string | null;
  segment: number | null;
}

export function limitAt(point: TrackPoint, defaultLimitKmh: number, zones: ZoneIndex | null): LimitHere {
  const zoned = zones?.speedLimitAt(point.lon, point.lat, point.atMs) ?? null;
  if (zoned === null || zoned.limitKmh >= defaultLimitKmh) {
    return { limitKmh: defaultLimitKmh, zoneId: null, segment: null };
  }
  return { limitKmh: zoned.limitKmh, zoneId: zoned.zoneId, segment: zoned.segment ?? null };
}
