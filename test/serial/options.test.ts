import { describe, expect, it } from "vitest";

import { SerialSource, type SerialSourceOptions } from "../../drivers/serial/serial-source.js";

const valid: SerialSourceOptions = {
  path: "/dev/serial/by-id/usb-u-blox_GNSS-if00",
  baudRate: 9600,
  silenceTimeoutS: 5,
  reopenMinMs: 500,
  reopenMaxMs: 30_000,
  name: "gps",
};

describe("SerialSource options", () => {
  it("accepts valid options without opening anything", () => {
    const source = new SerialSource(valid);

    expect(source.state).toBe("idle");
    expect(source.stats()).toEqual({
      opens: 0,
      losses: 0,
      reopenAttempts: 0,
      bytes: 0,
      lastDataMs: null,
    });
  });

  it.each([
    [{ silenceTimeoutS: 0 }, /silenceTimeoutS must be > 0, found 0/],
    [{ reopenMaxMs: 100 }, /reopenMaxMs must be >= reopenMinMs \(500\), found 100/],
    [{ baudRate: 96.5 }, /baudRate must be a positive integer/],
    [{ path: "" }, /path must be a device path/],
    [{ delimiter: "" }, /delimiter must be non-empty/],
  ])("rejects %o with a TypeError naming the option", (bad, message) => {
    expect(() => new SerialSource({ ...valid, ...bad })).toThrow(TypeError);
    expect(() => new SerialSource({ ...valid, ...bad })).toThrow(message);
  });
});
