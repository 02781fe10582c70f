/**
 * The decoder hands nmea-simple's codecs the fields it split itself, from a sentence whose
 * checksum it verified itself (drivers/gps/decode.ts, parsePacket). Whatever nmea-simple's own
 * parseNmeaSentence makes of a sentence, parsePacket must make the same: compared on every
 * used-type sentence of the gpsd receiver captures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseNmeaSentence } from "nmea-simple";
import { describe, expect, it } from "vitest";
import { MalformedSentence, decodeSentence, parsePacket } from "../../drivers/gps/decode.js";
import { emptyFaultCounts } from "../../drivers/gps/faults.js";
import { USED_TYPES, type UsedType } from "../../drivers/gps/observation.js";
import { readSentence } from "../../drivers/gps/sentence.js";
import { GPSD_DATA_DIR, gpsdLogs, requireGpsdData } from "./gpsd-data.js";
import { sign } from "./nmea-helpers.js";

const USED = new Set<string>(USED_TYPES);

/** nmea-simple's answer: a packet, or the fact that it threw. */
function outcome(parse: () => unknown): unknown {
  try {
    return { packet: parse() };
  } catch {
    return "rejected";
  }
}

describe("parsePacket: nmea-simple's codecs on the fields already split", () => {
  requireGpsdData();

  it.each(gpsdLogs())("gives what parseNmeaSentence gives, for every used sentence of %s", (log) => {
    const faults = emptyFaultCounts();
    let compared = 0;
    for (const line of readFileSync(join(GPSD_DATA_DIR, log), "latin1").split(/[\r\n]+/)) {
      const sentence = readSentence(line, faults);
      if (sentence === null || !USED.has(sentence.type)) continue;

      const ours = outcome(() => parsePacket(sentence, sentence.type as UsedType));
      const theirs = outcome(() => parseNmeaSentence(sentence.text));
      // GGA and GLL packets carry today's date (nmea-simple takes it from the system clock): only
      // the time of day they carry is the sentence's.
      expect(JSON.stringify(ours, roundDates)).toBe(JSON.stringify(theirs, roundDates));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it("leaves a sentence with a `*` inside its body to parseNmeaSentence, which rejects it", () => {
    // The checksum after the last `*` is right, but nmea-simple splits at the first one.
    const sentence = readSentence(sign("$GPGGA,081500.00,3114.5000,N,12128.2000,E,1,09,0.9,12.0,M,8.0,M,*1,"), emptyFaultCounts());
    expect(sentence).not.toBeNull();
    expect(() => decodeSentence(sentence!, "GGA")).toThrow(MalformedSentence);
  });
});

function roundDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() % 86_400_000 : value;
}
