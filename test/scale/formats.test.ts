/**
 * The suite every scale format in the registry passes: a format added to SCALE_CODECS is tested
 * here without a line of new test code. Per-format files check hand-written frames.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setLogLevel } from "../../agent/log.js";
import { FAULT_KINDS, isFault, type ScaleCodec, type ScaleReading } from "../../drivers/scale/codec.js";
import { SCALE_CODECS, SCALE_PROTOCOLS } from "../../drivers/scale/registry.js";
import type { WeightUnit } from "../../drivers/scale/units.js";
import { byteByByte, nonZero, randomChunks, reading, recordingDriver, seededRandom } from "./helpers.js";

beforeAll(() => setLogLevel("silent"));

const WEIGHTS_KG = [0, 1, 12340, 25480.5, -250, -0.5, 49000, 999.125];

/** Readings the format can express: every weight, each kind it knows, stable and moving. */
function readingsFor(codec: ScaleCodec): ScaleReading[] {
  return WEIGHTS_KG.map((weightKg, index) =>
    reading(weightKg, { kind: codec.kinds[index % codec.kinds.length], stable: index % 3 !== 1 }),
  );
}

/** The bytes decode() takes: a line without its terminator; an STX frame whole. */
function frameOf(codec: ScaleCodec, encoded: Buffer): Buffer {
  if (codec.framing === "stx") return encoded;
  return Buffer.from(encoded.toString("latin1").replace(/[\r\n]+$/, ""), "latin1");
}

function decodeReading(codec: ScaleCodec, encoded: Buffer): ScaleReading {
  const decoded = codec.decode(frameOf(codec, encoded));
  if (isFault(decoded)) throw new Error(`${codec.id}: ${encoded.toString("latin1")} → ${decoded.fault}`);
  return decoded;
}

function expectSameReadings(actual: readonly ScaleReading[], expected: readonly ScaleReading[]): void {
  const flags = ({ kind, stable, overload, error }: ScaleReading) => ({ kind, stable, overload, error });
  expect(actual.map(flags)).toEqual(expected.map(flags));
  actual.forEach((sample, index) => {
    expect(sample.weightKg).toBeCloseTo(expected[index]?.weightKg ?? NaN, 9);
  });
}

/** Garbage that is a line for line formats and a run between frames for STX formats. */
function garbageFor(codec: ScaleCodec, text: string): Buffer {
  return Buffer.from(codec.framing === "line" ? `${text}\r\n` : text, "latin1");
}

describe.each(SCALE_PROTOCOLS)("scale format %s (shared suite)", (protocol) => {
  const codec = SCALE_CODECS[protocol];
  const readings = readingsFor(codec);
  const frames = readings.map((each) => codec.encode(each));

  /** A late join: the tail of one frame, then whole frames. */
  const lateJoin = Buffer.concat([frames[2]!.subarray(5), ...frames]);

  it("round-trips every weight, kind and motion state through encode and decode in kg", () => {
    const decoded = frames.map((frame) => decodeReading(codec, frame));

    expectSameReadings(decoded, readings);
  });

  it.each<WeightUnit>(["g", "t", "lb"])("round-trips through frames displayed in %s", (unit) => {
    for (const each of readings) {
      const decoded = decodeReading(codec, codec.encode(each, { unit }));

      const toleranceKg = Math.max(0.001, Math.abs(each.weightKg) * 1e-5);
      expect(Math.abs(decoded.weightKg - each.weightKg)).toBeLessThanOrEqual(toleranceKg);
      expect(decoded.stable).toBe(each.stable);
    }
  });

  it("round-trips overload and underload flags", () => {
    const over = decodeReading(codec, codec.encode(reading(60000, { overload: true, stable: false })));
    const underload = reading(-500, { underload: true, error: true, stable: false });
    const under = decodeReading(codec, codec.encode(underload));

    expect(over).toMatchObject({ overload: true, underload: false, error: false });
    expect(under).toMatchObject({ overload: false, underload: true, error: true });
  });

  it("drops the partial first frame, counts it once, and decodes the rest fed byte by byte", () => {
    const { driver, samples } = recordingDriver(protocol);

    for (const chunk of byteByByte(lateJoin)) driver.push(chunk);

    expectSameReadings(samples, readings);
    expect(nonZero(driver.counters())).toEqual({ partial: 1 });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])("gives the same result in random chunks (seed %i)", (seed) => {
    const { driver, samples } = recordingDriver(protocol);

    for (const chunk of randomChunks(lateJoin, seed)) driver.push(chunk);

    expectSameReadings(samples, readings);
    expect(nonZero(driver.counters())).toEqual({ partial: 1 });
  });

  // Toledo frames start at STX and end at CR: other endings do not apply, so no test is made.
  const lineEndings = codec.framing === "line" ? ["\r", "\n", "\r\n"] : [];
  it.each(lineEndings)(
    "accepts %j as the line ending",
    (ending) => {
      const { driver, samples } = recordingDriver(protocol);
      const stream = lateJoin.toString("latin1").replace(/\r\n/g, ending);

      for (const chunk of randomChunks(Buffer.from(stream, "latin1"), 42)) driver.push(chunk);

      expectSameReadings(samples, readings);
      expect(nonZero(driver.counters())).toEqual({ partial: 1 });
    },
  );

  it("counts garbage between frames as bad frames and keeps decoding", () => {
    const { driver, samples, faults } = recordingDriver(protocol);
    const stream = Buffer.concat([
      lateJoin,
      garbageFor(codec, "ZZ,??,junk"),
      frames[0]!,
      garbageFor(codec, "\u0000\u00ff\u0013 99"),
      frames[1]!,
    ]);

    for (const chunk of randomChunks(stream, 7)) driver.push(chunk);

    expectSameReadings(samples, [...readings, readings[0]!, readings[1]!]);
    expect(nonZero(driver.counters())).toEqual({ partial: 1, badFrame: 2 });
    expect(faults.map((fault) => fault.frame.toString("latin1"))).toContain("ZZ,??,junk");
  });

  it("drops over-long garbage once, bounded, and resumes at the next frame", () => {
    const { driver, samples, faults } = recordingDriver(protocol);
    const stream = Buffer.concat([lateJoin, garbageFor(codec, "x".repeat(5000)), frames[3]!]);

    for (const chunk of randomChunks(stream, 11, 300)) driver.push(chunk);

    expectSameReadings(samples, [...readings, readings[3]!]);
    expect(nonZero(driver.counters())).toEqual({ partial: 1, overlong: 1 });
    expect(faults.find((fault) => fault.kind === "overlong")?.frame.length).toBeLessThanOrEqual(129);
  });

  it("never throws on random bytes, counts them as known fault kinds, and recovers", () => {
    const { driver, samples, faults } = recordingDriver(protocol);
    const random = seededRandom(99);
    const noise = Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(random() * 256)));

    for (const chunk of randomChunks(noise, 5, 64)) driver.push(chunk);
    const before = samples.length;
    driver.push(Buffer.concat([garbageFor(codec, ""), ...frames]));

    expect(faults.length).toBeGreaterThan(0);
    expect(faults.every((fault) => (FAULT_KINDS as readonly string[]).includes(fault.kind))).toBe(true);
    expectSameReadings(samples.slice(before), readings);
  });

  it("decode returns a fault, never throws, for arbitrary frames", () => {
    const random = seededRandom(5);

    for (let round = 0; round < 2000; round++) {
      const length = Math.floor(random() * 24);
      const frame = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));

      expect(() => codec.decode(frame)).not.toThrow();
    }
  });
});
