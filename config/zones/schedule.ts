/**
 * When a zone applies and which speed limit it sets, in the local time of the zone file.
 *
 *   active     on a date from validFrom to validTo (inclusive, local dates) and, when
 *              activeHours are given, within one of them (a span may wrap past midnight).
 *   limit      the segment's own limit on a corridor segment that has one, else speedLimitKmh;
 *              during the night hours the lower of that and the night limit.
 */
import { minuteSpan, withinSpan, type LocalTime, type MinuteSpan } from "./local-time.js";
import type { Zone } from "./zone.js";

export interface Schedule {
  isActive(local: LocalTime): boolean;
  /** The zone's limit at this time (and segment, for corridors), or undefined when it sets none. */
  limitKmh(local: LocalTime, segment: number | undefined): number | undefined;
}

export function compileSchedule(zone: Zone): Schedule {
  const activeSpans = zone.activeHours?.map(minuteSpan);
  const night: { limitKmh: number; span: MinuteSpan } | undefined = zone.night && {
    limitKmh: zone.night.limitKmh,
    span: minuteSpan(zone.night.hours),
  };

  return {
    isActive(local) {
      if (zone.validFrom !== undefined && local.date < zone.validFrom) return false;
      if (zone.validTo !== undefined && local.date > zone.validTo) return false;
      return activeSpans?.some((span) => withinSpan(local.minuteOfDay, span)) ?? true;
    },

    limitKmh(local, segment) {
      const segmentLimit = segment === undefined ? undefined : zone.segmentLimitsKmh?.[segment];
      const dayLimit = segmentLimit ?? zone.speedLimitKmh;
      if (night === undefined || !withinSpan(local.minuteOfDay, night.span)) return dayLimit;
      return Math.min(dayLimit ?? Infinity, night.limitKmh);
    },
  };
}
