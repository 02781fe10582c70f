/**
 * Clocks on a truck are not to be trusted. The gateway's starts at 1970 after a power cut
 * without an RTC battery, or is set years ahead by a bad NTP answer; some GNSS receivers miss the
 * GPS week rollover and report dates 1024 weeks (19.6 years) early. The agent orders records by
 * sequence number, never by time, and says when a time is doubtful.
 */
import type { Fix } from "./contracts.js";

/** This version of the agent was released after this date: an earlier GPS date is a rollover bug. */
export const GPS_DATE_FLOOR_MS = Date.UTC(2025, 0, 1);
const WEEKS_1024_MS = 1024 * 7 * 86_400_000;

/**
 * The rule for a receiver that missed a week rollover: a fix dated before `floorMs` is moved
 * forward by 1024 weeks (as often as needed) and marked `dateCorrected`. Live operation uses the
 * agent's release date as the floor; `replay` uses none, so old captures keep their real dates.
 */
export function correctWeekRollover(fix: Fix, floorMs: number): Fix {
  if (fix.time === null) return fix;

  let ms = Date.parse(fix.time);
  if (ms >= floorMs) return fix;
  while (ms < floorMs) ms += WEEKS_1024_MS;
  return { ...fix, time: new Date(ms).toISOString(), dateCorrected: true };
}

/** How far the gateway clock may be from GPS time and still be called right. */
const MAX_OFFSET_MS = 120_000;
/** How long one confirmation by GPS stays good (monotonic time). */
const CONFIRMATION_TTL_MS = 3_600_000;

/**
 * Watches the gateway clock against GPS time. The clock is trusted only when a valid fix in the
 * last hour put it within two minutes of GPS time; until then every record says
 * `timeUncertain: true`, so a platform knows `receivedAt` may be anything.
 */
export class ClockWatch {
  private confirmedAt: number | null = null;
  private offsetMs: number | null = null;

  constructor(private readonly monotonic: () => number = () => performance.now()) {}

  observe(fix: Fix): void {
    if (!fix.valid || fix.time === null) return;

    this.offsetMs = fix.receivedAtMs - Date.parse(fix.time);
    if (Math.abs(this.offsetMs) <= MAX_OFFSET_MS) this.confirmedAt = this.monotonic();
    else this.confirmedAt = null;
  }

  /** Gateway clock minus GPS time at the last valid fix, ms; null before any. */
  get offset(): number | null {
    return this.offsetMs;
  }

  trusted(): boolean {
    return this.confirmedAt !== null && this.monotonic() - this.confirmedAt <= CONFIRMATION_TTL_MS;
  }
}
