/**
 * Local time of day for permit windows and zone hours. Permits and zone files speak the local
 * time of the city that issued them ("22:00–06:00"), while fixes carry UTC: the configured IANA
 * time zone converts, daylight saving included.
 */
import type { DailyHours, Zone } from "../../config/zones/zone.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The local date (`YYYY-MM-DD`) and minute of the day at `atMs`. */
export function localTime(atMs: number, timeZone: string): { date: string; minuteOfDay: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(atMs).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(":").map(Number);
  return hours! * 60 + minutes!;
}

/** True when the minute lies in the interval; `to` before `from` wraps past midnight. */
export function inHours(minuteOfDay: number, hours: DailyHours): boolean {
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (from <= to) return minuteOfDay >= from && minuteOfDay < to;
  return minuteOfDay >= from || minuteOfDay < to;
}

/** A zone's own validity dates and hours at `atMs` (absent hours: always). */
export function zoneActiveAt(zone: Zone, atMs: number, timeZone: string): boolean {
  const local = localTime(atMs, timeZone);
  if (zone.validFrom !== undefined && local.date < zone.validFrom) return false;
  if (zone.validTo !== undefined && local.date > zone.validTo) return false;
  if (zone.activeHours === undefined || zone.activeHours.length === 0) return true;
  return zone.activeHours.some((hours) => inHours(local.minuteOfDay, hours));
}
