/** The GPS driver's rules, one test each; every line carries a correct checksum unless the fault under test is the checksum. */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Fix } from "../../agent/contracts.js";
import { gpsLineParser } from "../../drivers/gps/capture.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { decodeLines, sign } from "./nmea-helpers.js";

const RMC = sign("$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A");
const GGA = sign("$GPGGA,081500.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,");

describe("faults are counted by kind and never thrown", () => {
  it("counts proprietary, unknown-address and AIS lines, and still decodes what follows", () => {
    const { fixes, stats } = decodeLines([
      sign("$PMTK001,604,3"),
      sign("$GYOACC,090624,000705.00,1"),
      "!AIVDO,1,1,,,B3HOIj000H08MeD6<Pp>6wpUoP06,0*5C",
      RMC,
    ]);

    expect(stats.faults).toMatchObject({ proprietary: 1, unknown: 1, ais: 1 });
    expect(fixes).toHaveLength(1);
    expect(fixes[0]!.valid).toBe(true);
  });

  it("decodes a `$$` line and a spliced line from their last `$`, counting each", () => {
    const { fixes, stats } = decodeLines([`$${RMC}`, `$GPGGA,0815${GGA}`]);

    expect(stats.faults.doubleDollar).toBe(1);
    expect(stats.faults.spliced).toBe(1);
    expect(fixes[0]).toMatchObject({ valid: true, sats: 9, altM: 12 });
  });

  it("decodes past noise before the `$`, and counts a line cut inside its checksum", () => {
    const { fixes, stats } = decodeLines([`\u00ff\u0013x${RMC}`, GGA.slice(0, -1)]);

    expect(stats.faults.noise).toBe(1);
    expect(stats.faults.cutOff).toBe(1);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]!.sats).toBeNull(); // the cut GGA gave nothing
  });

  it("counts a used sentence with impossible fields as malformed", () => {
    const { fixes, stats } = decodeLines([
      sign("$GPRMC,081500.00,A,31x4.5000,N,12128.2000,E,20.0,90.0,151126,,,A"),
      sign("$GPGGA,251500.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,"),
      sign("$GPVTG,90.0,T,,M,abc,N,,K,A"),
    ]);

    expect(stats.faults.malformed).toBe(3);
    expect(fixes).toHaveLength(0);
  });

  it("drops an over-long line of garbage unread", () => {
    const { stats } = decodeLines(["$".padEnd(2000, "Z")]);

    expect(stats.faults.overlong).toBe(1);
  });
});

describe("no fix is never a position", () => {
  it("GGA quality 0 voids a fix even when the RMC says A", () => {
    const { fixes } = decodeLines([RMC, sign("$GPGGA,081500.00,3114.5000,N,12128.2000,E,0,03,9.9,12.0,M,8.0,M,,")]);

    expect(fixes[0]).toMatchObject({ valid: false, lat: null, lon: null, speedKmh: null });
  });

  it("GSA fix type 1 voids the fix when it is the only GSA", () => {
    const { fixes } = decodeLines([RMC, GGA, sign("$GPGSA,A,1,,,,,,,,,,,,,,,")]);

    expect(fixes[0]).toMatchObject({ valid: false, lat: null });
  });

  it("a GSA for one constellation with no satellites does not void the fix", () => {
    const { fixes } = decodeLines([
      RMC,
      GGA,
      sign("$GNGSA,A,3,08,10,32,27,,,,,,,,,1.9,0.9,1.6,1"),
      sign("$GNGSA,A,1,,,,,,,,,,,,,1.9,0.9,1.6,3"),
    ]);

    expect(fixes[0]).toMatchObject({ valid: true, mode: 3 });
    expect(fixes[0]!.lat).toBeCloseTo(31 + 14.5 / 60, 10);
  });

  it("a single-constellation RMC with status V does not void a combined fix", () => {
    const { fixes } = decodeLines([
      sign("$GNRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A"),
      sign("$GARMC,081500.00,V,,,,,,,151126,,,N"),
    ]);

    expect(fixes[0]!.valid).toBe(true);
  });
});

describe("nmea-simple's losses are corrected", () => {
  it("keeps RMC milliseconds for 3-decimal times", () => {
    const { fixes } = decodeLines([sign("$GPRMC,081500.125,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A")]);

    expect(fixes[0]!.time).toBe("2026-11-15T08:15:00.125Z");
  });

  it("never takes a GGA or GLL date from the system clock: no date seen, no time", () => {
    const { fixes } = decodeLines([GGA, sign("$GPGLL,3114.5000,N,12128.2000,E,081501.00,A,A")]);

    expect(fixes.map((f) => f.time)).toEqual([null, null]);
    expect(fixes.map((f) => f.timeOfDay)).toEqual(["08:15:00.000", "08:15:01.000"]);
    expect(fixes.every((f) => f.valid)).toBe(true);
  });

  it("dates GGA-only epochs from the last RMC or ZDA, rolling over at midnight", () => {
    const { fixes } = decodeLines([
      sign("$GPZDA,235959.00,31,12,2026,00,00"),
      sign("$GPGGA,235959.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,"),
      sign("$GPGGA,000000.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,"),
      sign("$GPGGA,000001.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,"),
    ]);

    expect(fixes.map((f) => f.time)).toEqual([
      "2026-12-31T23:59:59.000Z",
      "2027-01-01T00:00:00.000Z",
      "2027-01-01T00:00:01.000Z",
    ]);
  });

  it("reads an empty course as null and an empty position as null, not 0", () => {
    const { fixes } = decodeLines([sign("$GPRMC,081500.00,A,,,,,0.0,,151126,,,A")]);

    expect(fixes[0]).toMatchObject({ lat: null, lon: null, courseDeg: null, valid: false });
  });

  it("does not flip the sign of a position with an empty hemisphere", () => {
    const { fixes } = decodeLines([
      sign("$GPRMC,081500.00,A,3114.5000,,12128.2000,E,20.0,90.0,151126,,,A"),
      sign("$GPRMC,081501.00,A,3114.5000,S,12128.2000,W,20.0,90.0,151126,,,A"),
    ]);

    expect(fixes[0]).toMatchObject({ lat: null, lon: null, valid: false });
    expect(fixes[1]!.lat).toBeCloseTo(-(31 + 14.5 / 60), 10);
    expect(fixes[1]!.lon).toBeCloseTo(-(121 + 28.2 / 60), 10);
  });
});

describe("speed", () => {
  it("uses VTG km/h only when no sentence gave knots", () => {
    const { fixes } = decodeLines([GGA, sign("$GPVTG,45.0,T,,M,,N,37.5,K,A")]);

    expect(fixes[0]!.speedKmh).toBe(37.5);
    expect(fixes[0]!.courseDeg).toBe(45);
  });

  it("prefers RMC knots over VTG knots, each converted once", () => {
    const { fixes } = decodeLines([RMC, sign("$GPVTG,91.0,T,,M,21.0,N,38.9,K,A")]);

    expect(fixes[0]!.speedKmh).toBeCloseTo(20 * 1.852, 10);
    expect(fixes[0]!.courseDeg).toBe(90);
  });

  it("ignores a VTG whose mode says not valid", () => {
    const { fixes } = decodeLines([GGA, sign("$GPVTG,45.0,T,,M,10.0,N,18.5,K,N")]);

    expect(fixes[0]!.speedKmh).toBeNull();
  });
});

describe("epochs and which sentence wins", () => {
  it("closes an epoch when the time changes and on flush, one fix per epoch", () => {
    const next = sign("$GPRMC,081501.00,A,3114.5100,N,12128.2000,E,20.0,90.0,151126,,,A");
    const { fixes } = decodeLines([RMC, GGA, sign("$GPGSA,A,3,01,02,03,04,,,,,,,,,1.5,0.9,1.2"), next]);

    expect(fixes.map((f) => f.time)).toEqual(["2026-11-15T08:15:00.000Z", "2026-11-15T08:15:01.000Z"]);
    expect(fixes[0]!.sources).toEqual(["GPRMC", "GPGGA", "GPGSA"]);
  });

  it("takes the GN satellite count over per-constellation counts, else the largest", () => {
    const perConstellation = [
      sign("$GPGGA,081500.00,3114.5000,N,12128.2000,E,1,05,1.3,12.0,M,8.0,M,,"),
      sign("$GAGGA,081500.00,3114.5000,N,12128.2000,E,1,01,1.3,12.0,M,8.0,M,,"),
    ];
    const combined = sign("$GNGNS,081500.00,3114.5000,N,12128.2000,E,AAAAN,14,1.3,12.0,8.0,,,V");

    expect(decodeLines([...perConstellation, combined]).fixes[0]!.sats).toBe(14);
    expect(decodeLines(perConstellation).fixes[0]!.sats).toBe(5);
  });

  it("takes the GGA position over an RMC stamped with the same second (a late RMC)", () => {
    const lateRmc = sign("$GPRMC,081500.00,A,3114.4000,N,12128.1000,E,20.0,90.0,151126,,,A");
    const { fixes } = decodeLines([lateRmc, GGA]);

    expect(fixes[0]!.lat).toBeCloseTo(31 + 14.5 / 60, 10);
    expect(fixes[0]!.time).toBe("2026-11-15T08:15:00.000Z");
    expect(fixes[0]!.speedKmh).toBeCloseTo(37.04, 10);
  });

  it("decodes any talker", () => {
    for (const talker of ["GP", "GN", "GL", "GA", "GB", "BD", "QZ", "IN"]) {
      const { fixes } = decodeLines([sign(`$${talker}RMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A`)]);
      expect(fixes[0]?.valid, talker).toBe(true);
    }
  });
});

describe("framing through the serial line parser", () => {
  async function frame(chunks: Buffer[]): Promise<Fix[]> {
    const fixes: Fix[] = [];
    const decoder = new GpsDecoder((fix) => fixes.push(fix));
    const parser = Readable.from(chunks).pipe(gpsLineParser());
    parser.on("data", (line: string) => decoder.pushLine(line));
    await new Promise((resolve) => parser.on("end", resolve));
    decoder.flush();
    return fixes;
  }

  const epochs = [0, 1, 2].map((s) => [
    sign(`$GPRMC,08150${s}.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A`),
    sign(`$GPGGA,08150${s}.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,,`),
  ]);

  it.each([
    ["CR LF", "\r\n"],
    ["bare LF", "\n"],
    ["CR CR LF", "\r\r\n"],
    ["CR alone", "\r"],
  ])("frames %s line ends, split into chunks at every awkward place", async (_name, end) => {
    const bytes = Buffer.from(epochs.flat().join(end) + end, "latin1");

    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const fixes = await frame(chunks);
      expect(fixes.map((f) => [f.timeOfDay, f.sats, f.valid]), `chunk ${size}`).toEqual([
        ["08:15:00.000", 9, true],
        ["08:15:01.000", 9, true],
        ["08:15:02.000", 9, true],
      ]);
    }
  });
});

describe("values no receiver reports, even behind a good checksum", () => {
  it.each([
    ["a negative speed", "$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,-5.0,90.0,151126,,,A"],
    ["a speed of 99,999 knots", "$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,99999.0,90.0,151126,,,A"],
    ["a course of 720°", "$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,720.0,151126,,,A"],
    ["31 February", "$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,310226,,,A"],
    ["day 00", "$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,000000,,,A"],
    ["a negative HDOP", "$GPGGA,081500.00,3114.5000,N,12128.2000,E,1,09,-3.0,12.0,M,8.0,M,,"],
    ["an altitude of 999,999 km", "$GPGGA,081500.00,3114.5000,N,12128.2000,E,1,09,0.9,999999999,M,8.0,M,,"],
  ])("counts %s as malformed and makes no fix of it", (_what, body) => {
    const { fixes, stats } = decodeLines([sign(body)]);

    expect(stats.faults.malformed).toBe(1);
    expect(fixes).toHaveLength(0);
  });

  it("reads minutes of 60 or more (MediaTek's 8960.000000 placeholder) as no position", () => {
    const { fixes, stats } = decodeLines([sign("$GPRMC,081500.00,A,3175.0000,N,12128.2000,E,20.0,90.0,151126,,,A")]);

    expect(stats.faults.malformed).toBe(0);
    expect(fixes[0]).toMatchObject({ lat: null, lon: null, valid: false });
  });
});
