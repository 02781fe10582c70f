import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { setLogLevel } from "../../agent/log.js";
import type { ScaleReading } from "../../drivers/scale/codec.js";
import { ScaleDriver } from "../../drivers/scale/scale-driver.js";
import { replyTo } from "../../drivers/scale/sics.js";
import { nonZero, reading, recordingDriver } from "./helpers.js";

beforeAll(() => setLogLevel("silent"));

const INTERVAL_MS = 100;

/** A SICS scale on the other end of the wire: answers each write unless told to be silent. */
function fakeScale(driver: ScaleDriver, current: ScaleReading) {
  const writes: string[] = [];
  const scale = { answering: true, current };
  driver.attach({
    write(data: Buffer) {
      writes.push(data.toString("latin1"));
      if (scale.answering) driver.push(replyTo(data.toString("latin1"), scale.current));
    },
  });
  return { writes, scale };
}

describe("SICS polling", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("polls with SI at once and then every interval, decoding each reply", () => {
    const { driver, samples } = recordingDriver("sics", { pollIntervalMs: INTERVAL_MS, sicsCommand: "SI" });
    const { writes } = fakeScale(driver, reading(99.5, { kind: "net", stable: false }));

    driver.start();
    vi.advanceTimersByTime(10 * INTERVAL_MS);
    driver.stop();

    expect(writes).toEqual(Array(11).fill("SI\r\n"));
    expect(samples).toHaveLength(11);
    expect(samples[0]).toMatchObject({ weightKg: 99.5, kind: "net", stable: false });
    expect(nonZero(driver.counters())).toEqual({});
  });

  it("sends S when configured to", () => {
    const { driver, samples } = recordingDriver("sics", { pollIntervalMs: INTERVAL_MS, sicsCommand: "S" });
    const { writes } = fakeScale(driver, reading(100, { kind: "net" }));

    driver.start();
    vi.advanceTimersByTime(2 * INTERVAL_MS);
    driver.stop();

    expect(writes).toEqual(["S\r\n", "S\r\n", "S\r\n"]);
    expect(samples.map((sample) => sample.weightKg)).toEqual([100, 100, 100]);
  });

  it("keeps one request outstanding when replies stop, counting a timeout per two intervals", () => {
    const { driver, faults } = recordingDriver("sics", { pollIntervalMs: INTERVAL_MS });
    const { writes, scale } = fakeScale(driver, reading(5, { kind: "net" }));
    scale.answering = false;

    driver.start();
    vi.advanceTimersByTime(10 * INTERVAL_MS);

    // Sent at 0, then re-sent on each timeout at 200, 400, 600, 800, 1000 ms.
    expect(writes).toHaveLength(6);
    expect(driver.counters().timeout).toBe(5);
    expect(faults.filter((fault) => fault.kind === "timeout")[0]?.frame.toString("latin1")).toBe("SI\r\n");

    scale.answering = true;
    driver.push(Buffer.from("S S 5 kg\r\n"));
    vi.advanceTimersByTime(3 * INTERVAL_MS);
    driver.stop();

    expect(writes).toHaveLength(9);
    expect(driver.counters().timeout).toBe(5);
  });

  it("frees the request on a busy or error reply, not only on a weight", () => {
    const { driver } = recordingDriver("sics", { pollIntervalMs: INTERVAL_MS, sicsCommand: "S" });
    const { writes } = fakeScale(driver, reading(5, { kind: "net", stable: false }));

    driver.start();
    vi.advanceTimersByTime(4 * INTERVAL_MS);
    driver.stop();

    expect(writes).toHaveLength(5);
    expect(nonZero(driver.counters())).toEqual({ busy: 5 });
  });

  it("polls only while attached, and stops with stop()", () => {
    const driver = new ScaleDriver({ protocol: "sics", pollIntervalMs: INTERVAL_MS });

    driver.start();
    vi.advanceTimersByTime(5 * INTERVAL_MS);
    expect(nonZero(driver.counters())).toEqual({});

    const { writes } = fakeScale(driver, reading(1, { kind: "net" }));
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(writes).toHaveLength(1);

    driver.stop();
    vi.advanceTimersByTime(5 * INTERVAL_MS);
    expect(writes).toHaveLength(1);
  });

  it("drops stale bytes from before the first poll as the partial, and keeps the first reply", () => {
    const { driver, samples } = recordingDriver("sics", { pollIntervalMs: INTERVAL_MS });
    driver.push(Buffer.from("0.00 k"));
    fakeScale(driver, reading(42, { kind: "net" }));

    driver.start();
    driver.stop();

    expect(samples.map((sample) => sample.weightKg)).toEqual([42]);
    expect(nonZero(driver.counters())).toEqual({ partial: 1 });
  });

  it("counts a write that throws and tries again on the next tick", () => {
    const driver = new ScaleDriver({ protocol: "sics", pollIntervalMs: INTERVAL_MS });
    let calls = 0;
    driver.attach({
      write() {
        calls += 1;
        throw new Error("port is closed");
      },
    });

    driver.start();
    vi.advanceTimersByTime(2 * INTERVAL_MS);
    driver.stop();

    expect(calls).toBe(3);
    expect(nonZero(driver.counters())).toEqual({ writeError: 3 });
  });

  it("after detach, drops the first partial of the reopened stream again", () => {
    const { driver, samples } = recordingDriver("ascii", { pollIntervalMs: INTERVAL_MS });

    driver.push(Buffer.from("\r\nST,GS,+000010 kg\r\nST,GS,+0000"));
    driver.detach();
    driver.push(Buffer.from("20 kg\r\nST,GS,+000030 kg\r\n"));

    expect(samples.map((sample) => sample.weightKg)).toEqual([10, 30]);
    expect(nonZero(driver.counters())).toEqual({ partial: 2 });
  });

  it("starts no timer for continuous formats", () => {
    const driver = new ScaleDriver({ protocol: "ascii", pollIntervalMs: INTERVAL_MS });

    driver.start();

    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("ScaleDriver", () => {
  it("stamps samples with the injected clock", () => {
    const clock = () => Date.UTC(2024, 5, 1, 12, 0, 0, 250);
    const { driver, samples } = recordingDriver("ascii", { clock });

    driver.push(Buffer.from("\r\nST,GS,+000010 kg\r\n"));

    expect(samples[0]?.time).toBe("2024-06-01T12:00:00.250Z");
  });

  it("emits samples of the other kind with their own kind", () => {
    const { driver, samples } = recordingDriver("ascii", { weight: "gross" });

    driver.push(Buffer.from("\r\nST,NT,+000010 kg\r\nST,GS,+000020 kg\r\n"));

    expect(samples.map((sample) => [sample.kind, sample.weightKg])).toEqual([
      ["net", 10],
      ["gross", 20],
    ]);
    expect(driver.weight).toBe("gross");
  });

  it("defaults to gross weight, SI and a 500 ms poll", () => {
    const driver = new ScaleDriver({ protocol: "sics" });

    expect([driver.weight, driver.sicsCommand, driver.pollIntervalMs]).toEqual(["gross", "SI", 500]);
  });

  it("emits each fault with the bytes it concerns", () => {
    const { driver, faults } = recordingDriver("ascii");

    driver.push(Buffer.from("half\r\nnot a frame\r\nST,GS,+1 oz\r\n"));

    expect(faults.map((fault) => [fault.kind, fault.frame.toString("latin1")])).toEqual([
      ["partial", "half"],
      ["badFrame", "not a frame"],
      ["unknownUnit", "ST,GS,+1 oz"],
    ]);
  });

  it("returns a copy of the counters with every kind present", () => {
    const driver = new ScaleDriver({ protocol: "toledo" });
    const counters = driver.counters();
    counters.partial = 99;

    expect(driver.counters()).toEqual({
      partial: 0,
      badFrame: 0,
      overlong: 0,
      unknownUnit: 0,
      checksum: 0,
      overload: 0,
      underload: 0,
      busy: 0,
      error: 0,
      timeout: 0,
      writeError: 0,
    });
  });

  it.each([
    [{ protocol: "modbus" }, /protocol/],
    [{ protocol: "sics", pollIntervalMs: 0 }, /pollIntervalMs/],
    [{ protocol: "sics", sicsCommand: "SIR" }, /sicsCommand/],
    [{ protocol: "ascii", weight: "tare" }, /weight/],
  ])("rejects bad options with a TypeError naming the option (%j)", (options, message) => {
    expect(() => new ScaleDriver(options as never)).toThrow(TypeError);
    expect(() => new ScaleDriver(options as never)).toThrow(message);
  });
});
