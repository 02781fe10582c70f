/** Field cases F1–F5 of shared/data/field-cases.md, with the inputs given there. */
import { describe, expect, it } from "vitest";
import { decodeLines } from "./nmea-helpers.js";

describe("F1: no fix is not a position", () => {
  it("RMC V and GGA quality 0 give a fix with null lat/lon, never 0,0", () => {
    const { fixes } = decodeLines(["$GPRMC,,V,,,,,,,,,,N*53", "$GPGGA,,,,,,0,00,99.99,,,,,,*48"]);

    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ valid: false, lat: null, lon: null, speedKmh: null, courseDeg: null, quality: "none" });
    expect(fixes[0]!.sats).toBe(0);
    expect(fixes[0]!.hdop).toBe(99.99);
  });
});

describe("F2: the NMEA 4.1 navigational status field", () => {
  it("reads status A with a trailing V as valid, with course null and milliseconds kept", () => {
    const { fixes } = decodeLines(["$GNRMC,200728.50,A,4807.03800,N,01131.00000,E,0.057,,301223,,,A,V*1F"]);

    expect(fixes[0]).toMatchObject({ valid: true, time: "2023-12-30T20:07:28.500Z", courseDeg: null });
    expect(fixes[0]!.lat).toBeCloseTo(48 + 7.038 / 60, 10);
    expect(fixes[0]!.lon).toBeCloseTo(11 + 31 / 60, 10);
    expect(fixes[0]!.speedKmh).toBeCloseTo(0.057 * 1.852, 10);
  });

  it("reads status V as no fix", () => {
    const { fixes } = decodeLines(["$GNRMC,200729.50,V,,,,,,,301223,,,N,V*13"]);

    expect(fixes[0]).toMatchObject({ valid: false, lat: null, lon: null, time: "2023-12-30T20:07:29.500Z" });
  });
});

describe("F3: checksums", () => {
  const good = "$GNGGA,101500.00,4807.03800,N,01131.00000,E,1,12,0.7,545.4,M,46.9,M,,*7a";

  it("accepts lower-case hex", () => {
    const { fixes, stats } = decodeLines([good]);

    expect(stats.sentences).toBe(1);
    expect(fixes[0]).toMatchObject({ sats: 12, hdop: 0.7, altM: 545.4, geoidSepM: 46.9, quality: "gps" });
  });

  it("rejects a sentence without checksum and counts it as missing", () => {
    const { fixes, stats } = decodeLines([good.slice(0, good.indexOf("*"))]);

    expect(fixes).toHaveLength(0);
    expect(stats.faults.missingChecksum).toBe(1);
    expect(stats.faults.badChecksum).toBe(0);
  });

  it("rejects *7F where *7E is right and counts it as bad", () => {
    const { fixes, stats } = decodeLines([good.replace("*7a", "*7F")]);

    expect(fixes).toHaveLength(0);
    expect(stats.faults.badChecksum).toBe(1);
    expect(stats.faults.missingChecksum).toBe(0);
  });
});

describe("F4: joining a stream mid-sentence; old receivers", () => {
  const lines = [
    "0380,N,01131.0000,E,000.0,000.0,200420,003.4,W*62",
    "$GPRMC,132734,A,4807.0380,N,01131.0000,E,000.0,000.0,200420,003.4,W*65",
    "$GPGGA,132734,4807.0380,N,01131.0000,E,2,10,0.8,-12.3,M,-34.1,M,,*7C",
  ];

  it("drops and counts the tail, then decodes the old RMC and the negative altitudes", () => {
    const { fixes, stats } = decodeLines(lines);

    expect(stats.faults.tail).toBe(1);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({
      valid: true,
      time: "2020-04-20T13:27:34.000Z",
      altM: -12.3,
      geoidSepM: -34.1,
      quality: "dgps",
      sats: 10,
      speedKmh: 0,
      courseDeg: 0,
    });
  });
});

describe("F5: speed units", () => {
  it("takes knots × 1.852 once: 54.0 kn and VTG 100.0 km/h give 100.0 km/h", () => {
    const { fixes } = decodeLines([
      "$GPRMC,101500,A,4807.0380,N,01131.0000,E,054.0,084.4,230324,,,A*7A",
      "$GPVTG,084.4,T,,M,054.0,N,100.0,K,A*05",
    ]);

    expect(fixes[0]!.speedKmh).toBeCloseTo(100.008, 6);
    expect(fixes[0]!.speedKmh).toBeGreaterThan(90); // over a 90 km/h limit, as it should be
    expect(fixes[0]!.courseDeg).toBe(84.4);
  });
});
