/** A zone's time windows in words, for labels and the legend: `22:00–05:00 · from 2026-01-01`. */
import type { Zone } from "../zone.js";

export function windowsText(zone: Zone): string {
  const parts: string[] = [];
  if (zone.activeHours !== undefined) {
    parts.push(zone.activeHours.map((hours) => `${hours.from}–${hours.to}`).join(", "));
  }
  if (zone.validFrom !== undefined && zone.validTo !== undefined)
    parts.push(`${zone.validFrom} to ${zone.validTo}`);
  else if (zone.validFrom !== undefined) parts.push(`from ${zone.validFrom}`);
  else if (zone.validTo !== undefined) parts.push(`until ${zone.validTo}`);
  if (zone.night !== undefined) {
    parts.push(`night ${zone.night.limitKmh} km/h ${zone.night.hours.from}–${zone.night.hours.to}`);
  }
  return parts.join(" · ");
}

/** `50 km/h`, `15/—/40/—/15 km/h` per segment, or "" without a limit. */
export function limitText(zone: Zone): string {
  if (zone.segmentLimitsKmh !== undefined) {
    const own = zone.speedLimitKmh === undefined ? "—" : String(zone.speedLimitKmh);
    return `${zone.segmentLimitsKmh.map((limit) => (limit === null ? own : String(limit))).join("/")} km/h`;
  }
  return zone.speedLimitKmh === undefined ? "" : `${zone.speedLimitKmh} km/h`;
}

/** `30 m wide`, `30–40 m wide`, `r 150 m`, or "". */
export function sizeText(zone: Zone): string {
  if (zone.radiusM !== undefined) return `r ${zone.radiusM} m`;
  const widths = zone.segmentWidthsM ?? (zone.widthM === undefined ? [] : [zone.widthM]);
  if (widths.length === 0) return "";
  const [low, high] = [Math.min(...widths), Math.max(...widths)];
  return low === high ? `${low} m wide` : `${low}–${high} m wide`;
}
