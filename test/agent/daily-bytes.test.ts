/** The daily byte count behind the data cap: per UTC day, whatever the clock does. */
import { describe, expect, it } from "vitest";
import { DailyBytes } from "../../agent/daily-bytes.js";

describe("daily bytes", () => {
  it("adds up within a UTC day, starts again at midnight UTC and when the clock goes back a day", () => {
    let now = new Date("2026-12-04T23:59:59.000Z");
    const daily = new DailyBytes(100, () => now);

    daily.count("t/1", "x".repeat(47)); // 3 + 47
    daily.count("t/1", Buffer.alloc(47));
    expect(daily.today).toBe(100);
    expect([...daily.deferred()]).toEqual([2, 3]);

    now = new Date("2026-12-05T00:00:00.000Z");
    expect(daily.today).toBe(0);
    expect(daily.deferred().size).toBe(0);
    daily.count("t/1", "é"); // 3 + 2 bytes of UTF-8
    now = new Date("2026-12-05T23:59:59.999Z");
    expect(daily.today).toBe(5);

    now = new Date("2026-12-04T12:00:00.000Z"); // an NTP step back into yesterday
    expect(daily.today).toBe(0);
  });

  it("never defers without a cap", () => {
    const daily = new DailyBytes(undefined, () => new Date("2026-12-04T12:00:00Z"));
    daily.count("t", Buffer.alloc(1_000_000));
    expect(daily.deferred().size).toBe(0);
  });
});
