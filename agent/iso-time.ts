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

/** The text up to the milliseconds ("2026-12-04T22:59:18.") of the last second formatted. */
let secondText = "";
let secondStart = Number.NaN;

/** new Date(ms).toISOString(), remembered for isoMs(). Throws RangeError for an invalid time, as it does. */
export function isoTime(ms: number): string {
  // A fractional ms is cut off by the Date: only whole ones parse back to themselves.
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();

  const intoSecond = ms - secondStart;
  const text = intoSecond >= 0 && intoSecond < 1000 ? secondText + milliseconds(intoSecond) : formatted(ms);
  remember(text, ms);
  return text;
}

/**
 * A 10 Hz receiver and a 10 Hz scale ask for ten times a second within the same second: the
 * text up to the second is kept and only the milliseconds written (Date's formatting was 4 % of
 * the input path's CPU, benchmark row 2).
 */
function formatted(ms: number): string {
  const text = new Date(ms).toISOString();
  // Years 0000-9999 only ("+275760-09-13T…" has a longer, signed year; it is formatted each time).
  if (text.length === 24) {
    secondStart = ms - (((ms % 1000) + 1000) % 1000);
    secondText = text.slice(0, 20);
  }
  return text;
}

function milliseconds(milli: number): string {
  return `${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}Z`;
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
