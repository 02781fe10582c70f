/**
 * The fix gate: what a fix must pass before anything judges the truck by it. A valid flag alone
 * is not enough — receivers report multipath jumps and dead-reckoned guesses as status A, and an
 * enforcement officer must never see an overspeed or a zone breach that was GPS noise.
 *
 * Rejected, counted by reason:
 *   - `invalid`: no valid fix (no position at all);
 *   - `hdop`: horizontal dilution of precision above `gps.maxHdop`;
 *   - `jump`: the distance from the last accepted fix, over the time between them, implies a
 *     speed above `gps.maxPlausibleSpeedKmh` (field case F6: Munich → the Sahara in 5 s);
 *   - `time`: the fix's GPS time moved more than a minute away from what the gateway's monotonic
 *     clock says passed since the last accepted fix — a bit flip in the date (a checksum cannot catch two),
 *     a leap-second bug, a receiver's own clock before its first fix. Accepted, such a time would
 *     make every true fix after it look like a step back in time;
 *   - `null_island`: exactly 0,0 — a receiver's blank position, never a muck truck's.
 * A jump is judged against the last *accepted* fix, so one outlier cannot drag the reference
 * away and make the true position that follows look like a jump back. And so that a wrong
 * reference (the first fix after a cold start was the outlier) cannot reject the truth forever,
 * `REANCHOR_AFTER` rejected fixes in a row that agree with each other become the new reference.
 */
import distance from "@turf/distance";
import type { Fix } from "./contracts.js";
import { isoMs } from "./iso-time.js";

export type GateRejection = "invalid" | "hdop" | "jump" | "time" | "null_island";

/** How far GPS time and gateway time may disagree about the time between two fixes. */
const MAX_TIME_SKEW_MS = 60_000;

const REANCHOR_AFTER = 3;

interface Anchor {
  atMs: number;
  lat: number;
  lon: number;
  /** Monotonic clock when the fix arrived (the gateway's wall clock where there is none). */
  receivedMs: number;
}

export interface FixGateOptions {
  maxHdop: number;
  maxPlausibleSpeedKmh: number;
}

export class FixGate {
  private last: Anchor | null = null;
  /** Fixes rejected as jumps that agree with each other, newest last. */
  private jumpRun: Anchor[] = [];
  private readonly rejected: Record<GateRejection, number> = { invalid: 0, hdop: 0, jump: 0, time: 0, null_island: 0 };

  constructor(private readonly options: FixGateOptions) {}

  /** Null when the fix may be used; else why not. */
  check(fix: Fix): GateRejection | null {
    let reason = this.judge(fix);
    if ((reason === "jump" || reason === "time") && this.extendsJumpRun(fix)) reason = null;
    if (reason !== null) {
      this.rejected[reason]++;
      return reason;
    }

    this.last = anchorOf(fix);
    this.jumpRun = [];
    return null;
  }

  counts(): Record<GateRejection, number> {
    return { ...this.rejected };
  }

  private judge(fix: Fix): GateRejection | null {
    if (!fix.valid || fix.lat === null || fix.lon === null) return "invalid";
    if (fix.lat === 0 && fix.lon === 0) return "null_island";
    if (fix.hdop !== null && fix.hdop > this.options.maxHdop) return "hdop";
    if (this.last === null) return null;
    const here = anchorOf(fix);
    if (!consistentTime(this.last, here)) return "time";
    return this.plausible(this.last, here) ? null : "jump";
  }

  /** True when this jump completes a run of agreeing jumps long enough to trust over the anchor. */
  private extendsJumpRun(fix: Fix): boolean {
    const here = anchorOf(fix);
    const previous = this.jumpRun.at(-1);
    const agrees = previous !== undefined && consistentTime(previous, here) && this.plausible(previous, here);
    this.jumpRun = agrees ? [...this.jumpRun, here] : [here];
    return this.jumpRun.length >= REANCHOR_AFTER;
  }

  private plausible(from: Anchor, to: Anchor): boolean {
    const km = distance([from.lon, from.lat], [to.lon, to.lat], { units: "kilometers" });
    // At least one second: two epochs in the same second (10 Hz) are not a division by ~0.
    const hours = Math.max(1, (to.atMs - from.atMs) / 1000) / 3600;
    return km / hours <= this.options.maxPlausibleSpeedKmh;
  }
}

function anchorOf(fix: Fix): Anchor {
  return { atMs: fixTimeMs(fix), lat: fix.lat!, lon: fix.lon!, receivedMs: fix.receivedMonoMs ?? fix.receivedAtMs };
}

/** GPS time and gateway time agree (within a minute) on how long passed between two fixes. */
function consistentTime(from: Anchor, to: Anchor): boolean {
  const gpsMs = to.atMs - from.atMs;
  const gatewayMs = to.receivedMs - from.receivedMs;
  return gpsMs >= -1000 && Math.abs(gpsMs - gatewayMs) <= MAX_TIME_SKEW_MS;
}

function fixTimeMs(fix: Fix): number {
  return fix.time === null ? fix.receivedAtMs : isoMs(fix.time);
}
