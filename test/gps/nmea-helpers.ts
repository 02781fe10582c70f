/** Test-side helpers: an independent checksum writer and a one-call decode of some lines. */
import type { Fix } from "../../agent/contracts.js";
import { GpsDecoder, type GpsStats } from "../../drivers/gps/gps-decoder.js";

/** `$GPRMC,…` → `$GPRMC,…*hh`, computed here, not with the driver's own checksum code. */
export function sign(body: string): string {
  let sum = 0;
  for (const ch of body.slice(1)) sum ^= ch.charCodeAt(0);
  return `${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
}

export function decodeLines(lines: string[], clock?: () => number): { fixes: Fix[]; stats: GpsStats } {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix), clock);
  for (const line of lines) decoder.pushLine(line);
  decoder.flush();
  return { fixes, stats: decoder.stats() };
}
