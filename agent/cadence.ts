/**
 * Decides which fixes and weight samples become records. A truck at 1–10 Hz GPS would send
 * 86,400–864,000 positions a day; regulators want the shape of the track, not every epoch. A
 * position is recorded when any of these is true (defaults in the config schema):
 *   - the truck moved `minDistanceM` since the last recorded position;
 *   - its course turned by `minHeadingDeg` (corners are where a track is cut short);
 *   - its speed changed by `minSpeedDeltaKmh` (so an overspeed peak is on record);
 *   - `minPeriodS` passed while moving, or `heartbeatS` while stopped;
 *   - it went from moving to stopped or back (where it stopped is what dumping cases turn on).
 * Time is the fix's GPS time; the gateway clock only when the receiver has no date yet.
 * Only valid fixes are recorded: a fix without a position is not a position.
 */
import distance from "@turf/distance";
import type { Fix, WeightSample } from "./contracts.js";
import { isoMs } from "./iso-time.js";

export interface PositionCadenceOptions {
  minPeriodS: number;
  minDistanceM: number;
  minHeadingDeg: number;
  minSpeedDeltaKmh: number;
  heartbeatS: number;
  stoppedSpeedKmh: number;
}

interface Recorded {
  atMs: number;
  /** Whether atMs is GPS time or (before the receiver's first date) the gateway clock. */
  gpsTime: boolean;
  lat: number;
  lon: number;
  speedKmh: number;
  courseDeg: number | null;
  stopped: boolean;
}

export class PositionCadence {
  private last: Recorded | null = null;

  constructor(private readonly options: PositionCadenceOptions) {}

  /** True when this fix should become a position record (and remembers it as the last one). */
  offer(fix: Fix): boolean {
    if (!fix.valid || fix.lat === null || fix.lon === null) return false;

    const current: Recorded = {
      atMs: fix.time === null ? fix.receivedAtMs : isoMs(fix.time),
      gpsTime: fix.time !== null,
      lat: fix.lat,
      lon: fix.lon,
      speedKmh: fix.speedKmh ?? 0,
      courseDeg: fix.courseDeg,
      stopped: (fix.speedKmh ?? 0) < this.options.stoppedSpeedKmh,
    };
    if (this.last !== null && !this.isDue(this.last, current)) return false;

    this.last = current;
    return true;
  }

  private isDue(last: Recorded, now: Recorded): boolean {
    const o = this.options;
    // Two clocks cannot be subtracted: the first fix with a date after undated ones starts afresh.
    if (now.gpsTime !== last.gpsTime) return true;
    const elapsedS = (now.atMs - last.atMs) / 1000;
    if (elapsedS < 0) return false; // a repeated or out-of-order epoch
    if (now.stopped !== last.stopped) return true;
    if (now.stopped) return elapsedS >= o.heartbeatS;

    return (
      elapsedS >= o.minPeriodS ||
      Math.abs(now.speedKmh - last.speedKmh) >= o.minSpeedDeltaKmh ||
      headingChangeDeg(last.courseDeg, now.courseDeg) >= o.minHeadingDeg ||
      distance([last.lon, last.lat], [now.lon, now.lat], { units: "meters" }) >= o.minDistanceM
    );
  }
}

/** Smallest angle between two courses, 0..180; 0 when either is unknown. */
export function headingChangeDeg(a: number | null, b: number | null): number {
  if (a === null || b === null) return 0;
  const diff = Math.abs(a - b) % 360;
  return diff > 180 ? 360 - diff : diff;
}

export interface WeightCadenceOptions {
  weightDeltaKg: number;
  weightPeriodS: number;
}

/**
 * Weight samples arrive at 2–10 Hz and wobble while the truck drives. One is recorded when the
 * weight moved `weightDeltaKg` from the last recorded one, when its stable/overload/error flags
 * change, or when `weightPeriodS` passed.
 */
export class WeightCadence {
  private last: { atMs: number; sample: WeightSample } | null = null;

  constructor(private readonly options: WeightCadenceOptions) {}

  offer(sample: WeightSample): boolean {
    const atMs = isoMs(sample.time);
    const last = this.last;
    const due =
      last === null ||
      Math.abs(sample.weightKg - last.sample.weightKg) >= this.options.weightDeltaKg ||
      sample.stable !== last.sample.stable ||
      sample.overload !== last.sample.overload ||
      sample.error !== last.sample.error ||
      (atMs - last.atMs) / 1000 >= this.options.weightPeriodS;
    if (!due) return false;

    this.last = { atMs, sample };
    return true;
  }
}
