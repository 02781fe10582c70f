/**
 * Toledo frames built byte by byte from the documented bits (see drivers/scale/toledo.ts), with
 * the checksum computed here independently of the codec.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setLogLevel } from "../../agent/log.js";
import { toledo } from "../../drivers/scale/toledo.js";
import { nonZero, reading, recordingDriver } from "./helpers.js";

beforeAll(() => setLogLevel("silent"));

const STX = 0x02;
const CR = 0x0d;
const ALWAYS = 0x20; // bit 5 of every status word

// Status word A: decimal point code in bits 0–2, count-by ×1 (01) in bits 3–4.
const A_COUNT_BY_1 = 0b01 << 3;
const NO_DECIMALS = 2;
// Status word B bits.
const NET = 1 << 0;
const NEGATIVE = 1 << 1;
const OUT_OF_RANGE = 1 << 2;
const MOTION = 1 << 3;
const KG = 1 << 4;

interface FrameParts {
  decimalCode?: number;
  b?: number;
  c?: number;
  weight: string;
  tare?: string | null;
  checksum?: boolean;
}

function frame(parts: FrameParts): Buffer {
  const { decimalCode = NO_DECIMALS, b = KG, c = 0, weight, tare = "000000", checksum = true } = parts;
  const bytes = [STX, ALWAYS | A_COUNT_BY_1 | decimalCode, ALWAYS | b, ALWAYS | c];
  for (const char of weight + (tare ?? "")) bytes.push(char.charCodeAt(0));
  bytes.push(CR);

  if (checksum) {
    const sum = bytes.reduce((total, byte) => total + (byte & 0x7f), 0);
    bytes.push((128 - (sum % 128)) % 128);
  }
  return Buffer.from(bytes);
}

function weightOf(bytes: Buffer): number {
  const decoded = toledo.decode(bytes);
  if ("fault" in decoded) throw new Error(`fault ${decoded.fault}`);
  return decoded.weightKg;
}

describe("Toledo continuous frames", () => {
  it("reads a stable gross weight in kg", () => {
    expect(toledo.decode(frame({ weight: "012340" }))).toEqual({
      weightKg: 12340,
      kind: "gross",
      stable: true,
      overload: false,
      underload: false,
      error: false,
    });
  });

  it("reads net, negative and motion from status word B and decimals from A", () => {
    const bytes = frame({ decimalCode: 4, b: KG | NET | NEGATIVE | MOTION, weight: "001250" });

    expect(toledo.decode(bytes)).toMatchObject({ weightKg: -12.5, kind: "net", stable: false });
  });

  it.each([
    [0, "000490", 49000],
    [1, "004900", 49000],
    [2, "049000", 49000],
    [3, "490005", 49000.5],
    [5, "012345", 12.345],
    [7, "123456", 1.23456],
  ])("applies decimal point code %i to %s", (decimalCode, weight, expectedKg) => {
    expect(weightOf(frame({ decimalCode, weight }))).toBeCloseTo(expectedKg, 9);
  });

  it("reads lb when B bit 4 is clear, and g and t from status word C", () => {
    expect(weightOf(frame({ b: 0, weight: "002000" }))).toBeCloseTo(907.18474, 9);
    expect(weightOf(frame({ c: 1, weight: "012340" }))).toBeCloseTo(12.34, 9);
    expect(weightOf(frame({ decimalCode: 5, c: 2, weight: "012340" }))).toBeCloseTo(12340, 9);
  });

  it("reads out of range with a positive sign as overload, with a negative sign as underload", () => {
    const over = frame({ b: KG | OUT_OF_RANGE | MOTION, weight: "999999" });
    const under = frame({ b: KG | OUT_OF_RANGE | NEGATIVE | MOTION, weight: "000100" });

    expect(toledo.decode(over)).toMatchObject({
      overload: true,
      underload: false,
      error: false,
      weightKg: 999999,
    });
    expect(toledo.decode(under)).toMatchObject({
      overload: false,
      underload: true,
      error: true,
      weightKg: -100,
    });
  });

  it("ignores a parity bit 7 on every byte", () => {
    const withParity = Buffer.from(frame({ weight: "012340", checksum: false }).map((byte) => byte | 0x80));

    expect(weightOf(withParity)).toBe(12340);

    const { driver, samples } = recordingDriver("toledo");
    driver.push(Buffer.concat([withParity, withParity, Buffer.from([STX | 0x80])]));
    expect(samples.map((sample) => sample.weightKg)).toEqual([12340, 12340]);
  });

  it("accepts leading spaces in the digit fields, the short variant and no checksum", () => {
    expect(weightOf(frame({ weight: "  1234", tare: "     0" }))).toBe(1234);
    expect(weightOf(frame({ weight: "012340", tare: null }))).toBe(12340);
    expect(weightOf(frame({ weight: "012340", tare: null, checksum: false }))).toBe(12340);
  });

  it("rejects a frame whose checksum does not match", () => {
    const bytes = frame({ weight: "012340" });
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) & 0x7f;

    expect(toledo.decode(bytes)).toEqual({ fault: "checksum" });
  });

  it("rejects frames with a bad layout or digits", () => {
    expect(toledo.decode(frame({ weight: "01234" }))).toEqual({ fault: "badFrame" });
    expect(toledo.decode(frame({ weight: "01X340" }))).toEqual({ fault: "badFrame" });
    expect(toledo.decode(frame({ weight: "      " }))).toEqual({ fault: "badFrame" });
    expect(toledo.decode(Buffer.concat([frame({ weight: "012340" }), Buffer.from("zz")]))).toEqual({
      fault: "badFrame",
    });
  });

  it("reports units it does not convert", () => {
    expect(toledo.decode(frame({ c: 3, weight: "012340" }))).toEqual({ fault: "unknownUnit" });
  });

  it("encodes exactly the documented bytes", () => {
    expect(toledo.encode(reading(12340))).toEqual(frame({ weight: "012340" }));
    expect(toledo.encode(reading(-12.5, { kind: "net", stable: false }), { checksum: false })).toEqual(
      frame({ decimalCode: 3, b: KG | NET | NEGATIVE | MOTION, weight: "000125", checksum: false }),
    );
    expect(toledo.encode(reading(2000, { stable: true }), { unit: "t", tareKg: 1000 })).toEqual(
      frame({ c: 2, weight: "000002", tare: "000001" }),
    );
  });

  it("without checksums, releases each frame when the next one starts", () => {
    const { driver, samples } = recordingDriver("toledo");
    const first = frame({ weight: "000100", checksum: false });
    const second = frame({ weight: "000200", checksum: false });

    driver.push(Buffer.concat([Buffer.from("40\r"), first, second]));

    expect(samples.map((sample) => sample.weightKg)).toEqual([100]);
    driver.push(Buffer.from([STX]));
    expect(samples.map((sample) => sample.weightKg)).toEqual([100, 200]);
    expect(nonZero(driver.counters())).toEqual({ partial: 1 });
  });

  it("counts a frame cut short by the next STX as a bad frame", () => {
    const { driver, samples } = recordingDriver("toledo");
    const whole = frame({ weight: "000300" });

    driver.push(Buffer.concat([whole.subarray(0, 9), whole]));

    expect(samples.map((sample) => sample.weightKg)).toEqual([300]);
    expect(nonZero(driver.counters())).toEqual({ badFrame: 1 });
  });
});
