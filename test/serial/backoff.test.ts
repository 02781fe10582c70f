import { describe, expect, it } from "vitest";

import { reopenDelayMs } from "../../drivers/serial/backoff.js";

const middle = () => 0.5;

describe("reopenDelayMs", () => {
  it("starts at the minimum and doubles per failed attempt up to the maximum", () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => reopenDelayMs(attempt, 100, 1000, middle));

    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("spreads a delay by ±25 % but never outside [min, max]", () => {
    expect(reopenDelayMs(2, 100, 1000, () => 0)).toBe(300);
    expect(reopenDelayMs(2, 100, 1000, () => 0.999999)).toBe(500);
    expect(reopenDelayMs(0, 100, 1000, () => 0)).toBe(100);
    expect(reopenDelayMs(9, 100, 1000, () => 0.999999)).toBe(1000);
  });

  it("stays at the maximum for very long outages instead of overflowing", () => {
    expect(reopenDelayMs(10_000, 500, 30_000, middle)).toBe(30_000);
  });
});
