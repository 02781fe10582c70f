import { beforeAll, describe, expect, it } from "vitest";
import { setLogLevel } from "../../agent/log.js";
import { encodeCommand, encodeReply, parseCommand, replyTo, sics } from "../../drivers/scale/sics.js";
import { nonZero, reading, recordingDriver } from "./helpers.js";

beforeAll(() => setLogLevel("silent"));

const decode = (line: string) => sics.decode(Buffer.from(line, "latin1"));
const text = (bytes: Buffer) => bytes.toString("latin1");

describe("SICS replies", () => {
  it("reads a stable weight as net", () => {
    expect(decode("S S     100.00 kg")).toEqual({
      weightKg: 100,
      kind: "net",
      stable: true,
      overload: false,
      underload: false,
      error: false,
    });
  });

  it("reads a dynamic weight as unstable", () => {
    expect(decode("S D     99.5 kg")).toMatchObject({ weightKg: 99.5, stable: false });
  });

  it("reads negative weights and converts t and lb", () => {
    expect(decode("S S    -12.345 t")).toMatchObject({ weightKg: -12345 });
    const pounds = decode("S S       2000 lb");
    expect("weightKg" in pounds && pounds.weightKg).toBeCloseTo(907.18474, 9);
  });

  it("flags S + as overload and S - as under range, with no weight", () => {
    const over = decode("S +");
    const under = decode("S -");

    expect(over).toMatchObject({ overload: true, underload: false, error: false, stable: false });
    expect(under).toMatchObject({ overload: false, underload: true, error: true, stable: false });
    expect("weightKg" in over && Number.isNaN(over.weightKg)).toBe(true);
  });

  it("maps S I to busy and ES, ET, EL to error", () => {
    expect(decode("S I")).toEqual({ fault: "busy" });
    expect(decode("ES")).toEqual({ fault: "error" });
    expect(decode("ET")).toEqual({ fault: "error" });
    expect(decode("EL")).toEqual({ fault: "error" });
  });

  it.each(["S S", "S X     1.0 kg", "SS 1 kg", "S S     1.0.0 kg", "EX", "hello"])(
    "rejects %j as a bad frame",
    (line) => {
      expect(decode(line)).toEqual({ fault: "badFrame" });
    },
  );

  it("reports a unit it cannot convert", () => {
    expect(decode("S S     100.00 oz")).toEqual({ fault: "unknownUnit" });
  });
});

describe("SICS for the simulator", () => {
  it("parses the poll commands and nothing else", () => {
    expect(parseCommand("SI")).toBe("SI");
    expect(parseCommand(Buffer.from("S"))).toBe("S");
    expect(parseCommand(" SI ")).toBe("SI");
    expect(parseCommand("SIR")).toBeNull();
    expect(parseCommand("si")).toBeNull();
  });

  it("encodes the command lines the driver writes", () => {
    expect(text(encodeCommand("SI"))).toBe("SI\r\n");
    expect(text(encodeCommand("S"))).toBe("S\r\n");
  });

  it("answers like a scale", () => {
    const moving = reading(99.5, { kind: "net", stable: false });
    const settled = reading(100, { kind: "net" });

    expect(text(replyTo("SI", moving))).toBe("S D       99.5 kg\r\n");
    expect(text(replyTo("SI", settled))).toBe("S S        100 kg\r\n");
    expect(text(replyTo("S", settled, "t"))).toBe("S S        0.1 t\r\n");
    expect(text(replyTo("S", moving))).toBe("S I\r\n");
    expect(text(replyTo("SI", reading(-3, { underload: true, error: true })))).toBe("S -\r\n");
    expect(text(replyTo("SI", reading(70000, { overload: true })))).toBe("S +\r\n");
    expect(text(replyTo("TARE", settled))).toBe("ES\r\n");
  });

  it("encodes every reply without a weight", () => {
    const types = [
      "busy",
      "overload",
      "underload",
      "syntaxError",
      "transmissionError",
      "logicalError",
    ] as const;

    const replies = types.map((type) => text(encodeReply({ type })));

    expect(replies).toEqual(["S I\r\n", "S +\r\n", "S -\r\n", "ES\r\n", "ET\r\n", "EL\r\n"]);
  });

  it("counts each error reply in the driver without throwing", () => {
    const { driver, samples } = recordingDriver("sics");

    driver.push(Buffer.from("\r\nS I\r\nES\r\nET\r\nEL\r\nS +\r\nS -\r\nS S   5 kg\r\n", "latin1"));

    expect(samples.map((sample) => [sample.overload, sample.error, sample.weightKg])).toEqual([
      [true, false, NaN],
      [false, true, NaN],
      [false, false, 5],
    ]);
    expect(nonZero(driver.counters())).toEqual({ busy: 1, error: 3, overload: 1, underload: 1 });
  });
});
