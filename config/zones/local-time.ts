/**
 * Local wall-clock time in an IANA time zone, for zone schedules (activeHours, night hours,
 * validity dates). Intl carries the tz database, so no date library is needed; one formatter per
 * time zone is kept because building one costs far more than formatting with it.
 */
import type { DailyHours } from "./zone.js";

/** A moment as the people who wrote the zone file read their clocks. */
export interface LocalTime {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minuteOfDay: number;
}

const MINUTES_PER_DAY = 24 * 60;
const CLOCK = /^(\d{2}):(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when Intl knows the zone (`Asia/Shanghai`, `UTC`); offsets like `+08:00` are not zones. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localTime(atMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(atMs)) parts[part.type] = part.value;

  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Minutes since midnight of `HH:MM` (00:00–24:00), or undefined when it is not a clock time. */
export function parseClock(text: string): number | undefined {
  const match = CLOCK.exec(text);
  if (match === null) return undefined;

  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > MINUTES_PER_DAY) return undefined;
  return minutes;
}

/** A daily interval in minutes since local midnight, `[fromMin, toMin)`. */
export interface MinuteSpan {
  fromMin: number;
  toMin: number;
}

export function minuteSpan(hours: DailyHours): MinuteSpan {
  return { fromMin: parseClock(hours.from) ?? 0, toMin: parseClock(hours.to) ?? MINUTES_PER_DAY };
}

/**
 * Whether a local minute falls in the span. A `to` before `from` wraps past midnight, so
 * 22:00–06:00 covers the night; the validated file never has from = to.
 */
export function withinSpan(minuteOfDay: number, span: MinuteSpan): boolean {
  if (span.fromMin < span.toMin) return minuteOfDay >= span.fromMin && minuteOfDay < span.toMin;
  return minuteOfDay >= span.fromMin || minuteOfDay < span.toMin;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter !== undefined) return formatter;

  // en-CA gives ISO-ordered numeric parts; h23 avoids the "24:05" some engines print at night.
  formatter = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  formatters.set(timeZone, formatter);
  return formatter;
}
