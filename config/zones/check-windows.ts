/**
 * Time windows that never open, judged in the file's IANA time zone exactly as the detectors
 * judge them (schedule.ts):
 *
 *   error    validity dates and hours that never meet: hours that fall in a daylight-saving gap
 *            on the only dates the zone is valid (02:00–03:00 on a spring-forward day).
 *   warning  validTo is past: the zone will never apply again (an old permit left in the file);
 *            a night limit that is not lower than every day limit it would lower, so it never
 *            changes anything.
 *
 * validTo before validFrom is already the loader's error.
 */
import { finding, type Finding, type PlacedZone } from "./check-finding.js";
import { localTime } from "./local-time.js";
import { compileSchedule } from "./schedule.js";
import type { Zone } from "./zone.js";

// Windows this short are scanned minute by minute; any longer one opens on some day.
const SCAN_MAX_DAYS = 8;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// The widest UTC offsets in the tz database, so a scan covers the whole local date range.
const OFFSET_MARGIN_MS = 14 * 3_600_000;

export interface WindowOptions {
  timeZone: string;
  nowMs: number;
}

export function closedWindows(zones: readonly PlacedZone[], options: WindowOptions): Finding[] {
  const today = localTime(options.nowMs, options.timeZone).date;
  return zones.flatMap((placed) => [
    ...neverOpens(placed, options.timeZone),
    ...ended(placed, today, options.timeZone),
    ...unusedNightLimit(placed),
  ]);
}

function neverOpens({ zone, index }: PlacedZone, timeZone: string): Finding[] {
  if (zone.validFrom === undefined || zone.validTo === undefined) return [];
  const fromMs = Date.parse(`${zone.validFrom}T00:00:00Z`) - OFFSET_MARGIN_MS;
  const toMs = Date.parse(`${zone.validTo}T00:00:00Z`) + DAY_MS + OFFSET_MARGIN_MS;
  if (toMs - fromMs > SCAN_MAX_DAYS * DAY_MS) return [];

  const schedule = compileSchedule(zone);
  for (let atMs = fromMs; atMs < toMs; atMs += MINUTE_MS) {
    if (schedule.isActive(localTime(atMs, timeZone))) return [];
  }
  return [
    finding(
      "error",
      "window_never_opens",
      { index, field: "activeHours" },
      {
        message:
          `the zone never applies: its hours do not occur from ${zone.validFrom} to ` +
          `${zone.validTo} in ${timeZone} (a daylight-saving gap skips them)`,
        expected: "hours that exist on at least one of its dates",
        found: describeHours(zone),
      },
    ),
  ];
}

function ended({ zone, index }: PlacedZone, today: string, timeZone: string): Finding[] {
  if (zone.validTo === undefined || zone.validTo >= today) return [];
  return [
    finding(
      "warning",
      "window_never_opens",
      { index, field: "validTo" },
      {
        message:
          `the zone's dates ended on ${zone.validTo} (today is ${today} in ${timeZone}): ` +
          `it will never apply again`,
        expected: `validTo on or after ${today}, or the zone removed`,
        found: zone.validTo,
      },
    ),
  ];
}

/** A night limit lowers a zone's limit only where it is below it (schedule.ts takes the min). */
function unusedNightLimit({ zone, index }: PlacedZone): Finding[] {
  if (zone.night === undefined) return [];
  const dayLimits = [zone.speedLimitKmh, ...(zone.segmentLimitsKmh ?? [])].map(
    (limit) => limit ?? zone.speedLimitKmh,
  );
  if (dayLimits.some((limit) => limit === undefined || limit > zone.night!.limitKmh)) return [];

  const highest = Math.max(...(dayLimits as number[]));
  return [
    finding(
      "warning",
      "night_limit_unused",
      { index, field: "night" },
      {
        message:
          `the night limit ${zone.night.limitKmh} km/h is not below the day limit ` +
          `(${highest} km/h at most), so it never changes anything`,
        expected: `night.limitKmh below ${highest}`,
        found: `${zone.night.limitKmh}`,
      },
    ),
  ];
}

/** `07:00–08:30, 15:30–17:30` or `all day`. */
export function describeHours(zone: Pick<Zone, "activeHours">): string {
  return zone.activeHours?.map((hours) => `${hours.from}–${hours.to}`).join(", ") ?? "all day";
}
