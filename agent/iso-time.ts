/**
 * ISO 8601 times as the contracts carry them (Fix.time, WeightSample.time), with the last few
 * text ↔ ms pairs remembered. Every fix's time is parsed back by the fix gate, the position
 * cadence, the detectors and the track point, every weight's by the cadence, the pipeline and
 * the detectors: seven Date.parse per 100 ms of a 10 Hz truck for times the drivers had as
 * numbers a moment before (benchmark row 2). The answers are those of toISOString/Date.parse.
 */

const REMEMBERED = 4;
const texts: Array<string | null> = new Array<string | null>(REMEMBERED).fill(null);
const values = new Array<number>(REMEMBERED).fill(0);
let next = 0;

/** new Date(ms).toISOString(), remembered for isoMs(). Throws RangeError for an invalid time, as it does. */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString();
  // A fractional ms is cut off by the Date: only whole ones parse back to themselves.
  if (Number.isInteger(ms)) remember(text, ms);
  return text;
}

/** Date.parse(text). */
export function isoMs(text: string): number {
  for (let i = 0; i < REMEMBERED; i++) if (texts[i] === text) return values[i]!;
  const ms = Date.parse(text);
  remember(text, ms);
  return ms;
}

function remember(text: string, ms: number): void {
  texts[next] = text;
  values[next] = ms;
  next = (next + 1) % REMEMBERED;
}
