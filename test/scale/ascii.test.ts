import { beforeAll, describe, expect, it } from "vitest";
import { setLogLevel } from "../../agent/log.js";
import { ascii } from "../../drivers/scale/ascii.js";
import { nonZero, reading, recordingDriver } from "./helpers.js";

beforeAll(() => setLogLevel("silent"));

const decode = (line: string) => ascii.decode(Buffer.from(line, "latin1"));

describe("continuous ASCII frames", () => {
  it("reads a stable gross weight in kg", () => {
    expect(decode("ST,GS,+012340 kg")).toEqual({
      weightKg: 12340,
      kind: "gross",
      stable: true,
      overload: false,
      underload: false,
      error: false,
    });
  });

  it("reads an unstable negative net weight in tonnes with space padding", () => {
    expect(decode("US,NT,-  1.25 t")).toMatchObject({ weightKg: -1250, kind: "net", stable: false });
  });

  it("converts pounds to kilograms", () => {
    const decoded = decode("ST,GS,+  2000 lb");

    expect(decoded).toMatchObject({ kind: "gross", stable: true });
    expect("weightKg" in decoded && decoded.weightKg).toBeCloseTo(907.18474, 9);
  });

  it("converts grams, and takes the unit without a space or in capitals", () => {
    expect(decode("ST,GS,+012340 g")).toMatchObject({ weightKg: 12.34 });
    expect(decode("ST,NT,+0012.5kg")).toMatchObject({ weightKg: 12.5, kind: "net" });
    expect(decode("ST,GS,+000350 KG")).toMatchObject({ weightKg: 350 });
  });

  it("reads -0 as zero, not negative zero", () => {
    const decoded = decode("ST,GS,-000000 kg");

    expect("weightKg" in decoded && Object.is(decoded.weightKg, 0)).toBe(true);
  });

  it("flags OL as overload, keeping a number when there is one", () => {
    expect(decode("OL,GS,+999999 kg")).toEqual({
      weightKg: 999999,
      kind: "gross",
      stable: false,
      overload: true,
      underload: false,
      error: false,
    });
  });

  it("flags OL without digits as overload with no weight", () => {
    const decoded = decode("OL,GS,");

    expect(decoded).toMatchObject({ overload: true, error: false });
    expect("weightKg" in decoded && Number.isNaN(decoded.weightKg)).toBe(true);
  });

  it("reads OL with a minus sign as under range", () => {
    expect(decode("OL,NT,-999999 kg")).toMatchObject({ overload: false, underload: true, error: true });
  });

  it.each([
    ["a tare frame", "ST,TR,+000100 kg"],
    ["no weight", "ST,GS,"],
    ["no unit", "ST,GS,+012340"],
    ["a letter in the digits", "ST,GS,+01x340 kg"],
    ["an unknown header", "QT,GS,+000012 pcs"],
    ["lower-case headers", "st,gs,+012340 kg"],
    ["an empty line", ""],
  ])("rejects %s as a bad frame", (_name, line) => {
    expect(decode(line)).toEqual({ fault: "badFrame" });
  });

  it("reports a unit it cannot convert, including names of object properties", () => {
    expect(decode("ST,GS,+012340 oz")).toEqual({ fault: "unknownUnit" });
    expect(decode("ST,GS,+012340 constructor")).toEqual({ fault: "unknownUnit" });
  });

  it("encodes as an indicator prints", () => {
    expect(ascii.encode(reading(12340)).toString("latin1")).toBe("ST,GS,+012340 kg\r\n");
    const moving = reading(-1250, { kind: "net", stable: false });
    expect(ascii.encode(moving, { unit: "t" }).toString("latin1")).toBe("US,NT,-001.25 t\r\n");
    const over = reading(70000, { overload: true });
    expect(ascii.encode(over).toString("latin1")).toBe("OL,GS,+070000 kg\r\n");
  });

  it("decodes a CR-only stream from the driver, dropping the head it joined in", () => {
    const clock = () => Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    const { driver, samples } = recordingDriver("ascii", { clock });

    driver.push(Buffer.from("340 kg\rST,GS,+012340 kg\rUS,GS,+0123", "latin1"));
    driver.push(Buffer.from("50 kg\rOL,GS,+999999 kg\r", "latin1"));

    const time = "2024-01-02T03:04:05.678Z";
    expect(samples).toEqual([
      { time, weightKg: 12340, kind: "gross", stable: true, overload: false, error: false },
      { time, weightKg: 12350, kind: "gross", stable: false, overload: false, error: false },
      { time, weightKg: 999999, kind: "gross", stable: false, overload: true, error: false },
    ]);
    expect(nonZero(driver.counters())).toEqual({ partial: 1, overload: 1 });
  });
});
