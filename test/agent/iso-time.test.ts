/** The remembered ISO times must be exactly what Date writes and reads. */
import { describe, expect, it } from "vitest";
import { isoMs, isoTime } from "../../agent/iso-time.js";
import { seededRandom } from "../../simulator/prng.js";

describe("isoTime", () => {
  it("writes what toISOString writes, at 10 Hz, across seconds, days, years and before 1970", () => {
    const starts = [Date.UTC(2026, 11, 31, 23, 59, 59, 0), Date.UTC(2024, 1, 28, 23, 59, 58, 950), -2500, 0, Date.UTC(9999, 11, 31, 23, 59, 59, 500)];
    for (const start of starts) {
      for (let ms = start; ms < start + 3000; ms += 100) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      for (let ms = start + 3000; ms > start; ms -= 7) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("agrees with Date for random times, fractional milliseconds and extended years, and parses back", () => {
    const random = seededRandom(11);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.round((random() - 0.3) * 4e12);
      const near = ms + Math.floor(random() * 2000);
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      expect(isoTime(near)).toBe(new Date(near).toISOString());
      expect(isoMs(isoTime(near))).toBe(near);
    }
    expect(isoTime(1.5)).toBe("1970-01-01T00:00:00.001Z");
    expect(isoTime(-0.5)).toBe(new Date(-0.5).toISOString());
    expect(isoTime(8.64e15)).toBe("+275760-09-13T00:00:00.000Z");
    expect(isoTime(8.64e15 - 1)).toBe(new Date(8.64e15 - 1).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
