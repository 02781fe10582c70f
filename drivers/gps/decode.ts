/**
 * Decodes the sentences the agent uses with nmea-simple, then corrects what nmea-simple 3.3
 * loses, from the raw fields:
 *   - RMC keeps milliseconds only for 2-decimal times  → time of day parsed from the raw field;
 *   - GGA/GLL/GNS times take their date from the system clock → only the time of day is kept,
 *     the date comes from RMC or ZDA (never the gateway clock);
 *   - empty numeric fields become 0 (course 0°, position 0,0) → empty fields become null;
 *   - an empty hemisphere flips the sign (`hemi === "N" ? 1 : -1`) → a position without both
 *     hemispheres is no position.
 *
 * Field maps (NMEA 0183 v4.11; older receivers omit the trailing fields):
 *   RMC  1 time, 2 status A/V, 3-4 lat N/S, 5-6 lon E/W, 7 speed kn, 8 course °T, 9 ddmmyy,
 *        10-11 magnetic variation, 12 mode (A D E M S N …), 13 navigational status (4.1; not validity)
 *   GGA  1 time, 2-5 lat/lon, 6 quality 0..8, 7 sats used, 8 HDOP, 9 alt MSL m, 11 geoid sep m
 *   GNS  1 time, 2-5 lat/lon, 6 mode per constellation (N = no fix), 7 sats, 8 HDOP, 9 alt, 10 sep
 *   GLL  1-4 lat/lon, 5 time, 6 status A/V, 7 mode
 *   VTG  1 course °T, 3 course °M, 5 speed kn, 7 speed km/h, 9 mode
 *   GSA  1 selection A/M, 2 fix type 1 none / 2 2D / 3 3D, 3-14 PRNs, 15 PDOP, 16 HDOP, 17 VDOP
 *   ZDA  1 time, 2 day, 3 month, 4 year (4 digits), 5-6 local zone
 */
import { DefaultPacketFactory, parseNmeaSentence, type Packet } from "nmea-simple";
import type { FixQuality } from "../../agent/contracts.js";
import { blankObservation, type Observation, type UsedType } from "./observation.js";
import type { Sentence } from "./sentence.js";

/** A field that is present but cannot be what its position says it is. */
export class MalformedSentence extends Error {
  constructor(sentence: Sentence, field: number, why: string) {
    super(`${sentence.talker}${sentence.type} field ${field}: ${why} in "${sentence.text}"`);
    this.name = "MalformedSentence";
  }
}

const GGA_QUALITY: FixQuality[] = [
  "none", "gps", "dgps", "pps", "rtk", "float-rtk", "estimated", "manual", "simulation",
];

const MODE_QUALITY: Record<string, FixQuality> = {
  A: "gps", D: "dgps", P: "pps", R: "rtk", F: "float-rtk", E: "estimated", M: "manual", S: "simulation",
};

type Decoder = (s: Sentence, packet: Packet, o: Observation) => void;

/** One decoder per sentence type, in one explicit table. */
const DECODERS: Record<UsedType, Decoder> = {
  RMC(s, p, o) {
    if (p.sentenceId !== "RMC") return;
    o.timeOfDayMs = timeOfDay(s, 1);
    o.dateMs = rmcDate(s, p.datetime);
    setPosition(s, o, 3);
    o.speedKnots = within(s, 7, kept(s, 7, p.speedKnots), 0, MAX_KNOTS);
    o.courseDeg = within(s, 8, kept(s, 8, p.trackTrue), 0, 360);
    o.fixValid = statusValid(field(s, 2), field(s, 12));
  },
  GGA(s, p, o) {
    if (p.sentenceId !== "GGA") return;
    o.timeOfDayMs = timeOfDay(s, 1);
    setPosition(s, o, 2);
    // Read from the raw field: nmea-simple names codes 0..8 only and loses 9 (SBAS on some receivers).
    const quality = whole(s, 6, Number(field(s, 6)));
    if (quality !== null) {
      o.quality = GGA_QUALITY[quality] ?? "gps";
      o.fixValid = quality > 0;
    }
    o.sats = whole(s, 7, p.satellitesInView);
    o.hdop = within(s, 8, kept(s, 8, p.horizontalDilution), MIN_HDOP, 99.99);
    o.altM = within(s, 9, kept(s, 9, p.altitudeMeters), -MAX_ALT_M, MAX_ALT_M);
    o.geoidSepM = within(s, 11, kept(s, 11, p.geoidalSeperation), -MAX_ALT_M, MAX_ALT_M);
  },
  GNS(s, p, o) {
    if (p.sentenceId !== "GNS") return;
    o.timeOfDayMs = timeOfDay(s, 1);
    setPosition(s, o, 2);
    if (p.modeIndicator !== "" && p.modeIndicator !== undefined) {
      const fixed = [...p.modeIndicator].find((m) => m !== "N");
      o.fixValid = fixed !== undefined;
      o.quality = fixed === undefined ? "none" : (MODE_QUALITY[fixed] ?? "gps");
    }
    o.sats = whole(s, 7, p.satellitesInView);
    o.hdop = within(s, 8, kept(s, 8, p.horizontalDilution), MIN_HDOP, 99.99);
    o.altM = within(s, 9, kept(s, 9, p.altitudeMeters), -MAX_ALT_M, MAX_ALT_M);
    o.geoidSepM = within(s, 10, kept(s, 10, p.geoidalSeperation), -MAX_ALT_M, MAX_ALT_M);
  },
  GLL(s, p, o) {
    if (p.sentenceId !== "GLL") return;
    setPosition(s, o, 1);
    o.timeOfDayMs = timeOfDay(s, 5);
    o.fixValid = statusValid(field(s, 6), p.faaMode ?? "");
  },
  VTG(s, p, o) {
    // Mode N: the receiver says this speed and course are not valid.
    if (p.sentenceId !== "VTG" || p.faaMode === "N") return;
    o.courseDeg = within(s, 1, kept(s, 1, p.trackTrue), 0, 360);
    o.speedKnots = within(s, 5, kept(s, 5, p.speedKnots), 0, MAX_KNOTS);
    o.speedKmh = within(s, 7, kept(s, 7, p.speedKmph ?? NaN), 0, MAX_KNOTS * 1.852);
  },
  GSA(s, p, o) {
    if (p.sentenceId !== "GSA") return;
    const mode = whole(s, 2, ["unknown", "none", "2D", "3D"].indexOf(p.fixMode));
    if (mode === 1 || mode === 2 || mode === 3) {
      o.gsaMode = mode;
      o.fixValid = mode !== 1;
    }
    o.hdop = within(s, 16, kept(s, 16, p.HDOP), MIN_HDOP, 99.99);
  },
  ZDA(s, p, o) {
    if (p.sentenceId !== "ZDA") return;
    o.timeOfDayMs = timeOfDay(s, 1);
    o.dateMs = zdaDate(s);
  },
};

/**
 * Bounds beyond which a field is not a reading but a corruption that passed the checksum (two
 * flipped bits cancel in an XOR). A truck does not do 1,000 knots; HDOP 0 cannot happen (the
 * best geometry gives about 0.5; some receivers print 0.0 for "unknown", read as no value).
 */
const MAX_KNOTS = 1000;
const MIN_HDOP = 0;
const MAX_ALT_M = 20_000;

/** Decodes a sentence of a used type; throws MalformedSentence when a field is impossible. */
export function decodeSentence(s: Sentence, type: UsedType): Observation {
  let packet: Packet;
  try {
    packet = parsePacket(s, type);
  } catch (error) {
    throw new MalformedSentence(s, 0, `nmea-simple rejected it (${(error as Error).message})`);
  }

  const o = blankObservation(s.talker, type);
  DECODERS[type](s, packet, o);
  return o;
}

/**
 * nmea-simple's codec for the type, given the fields sentence.ts already split from a sentence
 * whose checksum it already verified: parseNmeaSentence would verify and split again, a third
 * of the decoder's time at 10 Hz (benchmark row 2). A sentence with a `*` before its checksum
 * still goes the whole way, because nmea-simple splits at the first `*` and rejects it there.
 */
export function parsePacket(s: Sentence, type: UsedType): Packet {
  if (s.text.indexOf("*") !== s.text.length - 3) return parseNmeaSentence(s.text);
  const stub = { sentenceId: type, talkerId: s.talker, chxOk: true as const };
  return DefaultPacketFactory.getParser(stub)(stub, s.fields);
}

function field(s: Sentence, index: number): string {
  return s.fields[index] ?? "";
}

/**
 * nmea-simple's value for a field, or null when the receiver left the field empty (nmea-simple
 * reads an empty field as 0). A value that is not a number is a malformed sentence.
 */
function kept(s: Sentence, index: number, decoded: number): number | null {
  const raw = field(s, index);
  if (raw === "") return null;

  if (!Number.isFinite(decoded) || !Number.isFinite(Number(raw))) {
    throw new MalformedSentence(s, index, `"${raw}" is not a number`);
  }
  return decoded;
}

function whole(s: Sentence, index: number, decoded: number): number | null {
  const value = kept(s, index, decoded);
  if (value !== null && (!Number.isInteger(value) || value < 0)) {
    throw new MalformedSentence(s, index, `"${field(s, index)}" is not a count or code`);
  }
  return value;
}

function within(s: Sentence, index: number, value: number | null, min: number, max: number): number | null {
  if (value === null) return null;
  if (value < min || value > max) throw new MalformedSentence(s, index, `${value} is outside ${min}..${max}`);
  return value;
}

/** A = valid unless the NMEA 2.3+ mode field says N (no fix). An empty status says nothing. */
function statusValid(status: string, mode: string): boolean | undefined {
  if (status === "A") return mode !== "N";
  if (status === "V") return false;
  return undefined;
}

/**
 * hhmmss[.s…] → ms since midnight, exact to the millisecond (fractions rounded). Read by
 * character: three of every five decoded sentences carry a time, and a regex match with its
 * groups per time was a fifth of the decoder's allocations (benchmark row 2).
 */
function timeOfDay(s: Sentence, index: number): number | null {
  const raw = field(s, index);
  if (raw === "") return null;

  const hh = twoDigits(raw, 0);
  const mm = twoDigits(raw, 2);
  const ss = twoDigits(raw, 4);
  const wellFormed = hh >= 0 && mm >= 0 && ss >= 0 && (raw.length === 6 || isFraction(raw, 6));
  if (!wellFormed || hh > 23 || mm > 59 || ss > 60) {
    throw new MalformedSentence(s, index, `"${raw}" is not a UTC time hhmmss.ss`);
  }

  const fractionMs = raw.length === 6 ? 0 : Math.round(Number(`0${raw.slice(6)}`) * 1000);
  return ((hh * 60 + mm) * 60 + ss) * 1000 + fractionMs;
}

/** The number of the two ASCII digits at `at`, or -1. */
function twoDigits(raw: string, at: number): number {
  const tens = raw.charCodeAt(at) - 0x30;
  const ones = raw.charCodeAt(at + 1) - 0x30;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** `.` and at least one digit from `at` to the end. */
function isFraction(raw: string, at: number): boolean {
  if (raw.charCodeAt(at) !== 0x2e || raw.length === at + 1) return false;
  for (let i = at + 1; i < raw.length; i++) {
    const digit = raw.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return false;
  }
  return true;
}

/** RMC ddmmyy: nmea-simple's century rule (yy < 73 → 20yy) is kept; only the date part is used. */
function rmcDate(s: Sentence, datetime: Date): number | null {
  const raw = field(s, 9);
  if (raw === "") return null;
  const [dd, mm] = [Number(raw.slice(0, 2)), Number(raw.slice(2, 4))];
  // 31 February must not roll over into March: the day and month must survive the round trip.
  if (!/^\d{6}$/.test(raw) || Number.isNaN(datetime.getTime()) || datetime.getUTCDate() !== dd || datetime.getUTCMonth() + 1 !== mm) {
    throw new MalformedSentence(s, 9, `"${raw}" is not a date ddmmyy`);
  }
  return utcMidnight(datetime);
}

function zdaDate(s: Sentence): number | null {
  const [day, month, year] = [field(s, 2), field(s, 3), field(s, 4)];
  if (day === "" || month === "" || year === "") return null;
  if (!/^\d{2}$/.test(day) || !/^\d{2}$/.test(month) || !/^\d{4}$/.test(year)) {
    throw new MalformedSentence(s, 2, `"${day},${month},${year}" is not a date dd,mm,yyyy`);
  }
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const date = new Date(ms);
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() + 1 !== Number(month)) {
    throw new MalformedSentence(s, 2, `"${day},${month},${year}" is not a date dd,mm,yyyy`);
  }
  return ms;
}

function utcMidnight(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

const COORDINATE = /^\d+\.?\d*$/;

/** ddmm.mmmm,N,dddmm.mmmm,E at fields [at..at+3] → signed degrees, or null when incomplete. */
function setPosition(s: Sentence, o: Observation, at: number): void {
  const [lat, ns, lon, ew] = [field(s, at), field(s, at + 1), field(s, at + 2), field(s, at + 3)];
  if (lat === "" || lon === "" || ns === "" || ew === "") return;

  if (!COORDINATE.test(lat) || (ns !== "N" && ns !== "S")) {
    throw new MalformedSentence(s, at, `"${lat},${ns}" is not a latitude ddmm.mm,N|S`);
  }
  if (!COORDINATE.test(lon) || (ew !== "E" && ew !== "W")) {
    throw new MalformedSentence(s, at + 2, `"${lon},${ew}" is not a longitude dddmm.mm,E|W`);
  }

  // Minutes of 60 or more are no position: MediaTek receivers print 8960.000000 (89°60') as a
  // placeholder before their first fix, and a bit flip can make one too.
  if (minutesOf(lat) >= 60 || minutesOf(lon) >= 60) return;
  const latDeg = degreesFromDm(lat);
  const lonDeg = degreesFromDm(lon);
  if (latDeg > 90 || lonDeg > 180) {
    throw new MalformedSentence(s, at, `${lat},${lon} is out of range`);
  }

  o.lat = ns === "S" ? -latDeg : latDeg;
  o.lon = ew === "W" ? -lonDeg : lonDeg;
}

function minutesOf(raw: string): number {
  const dot = raw.indexOf(".");
  const end = dot < 0 ? raw.length : dot;
  return Number(raw.slice(Math.max(0, end - 2)));
}

/**
 * (d)ddmm.mmmm → degrees. Done on the digits rather than taken from nmea-simple's value, whose
 * sign is already lost for an empty hemisphere and which reads "4807" (no dot) as 0.
 */
function degreesFromDm(raw: string): number {
  const dot = raw.indexOf(".");
  const end = dot < 0 ? raw.length : dot;
  const degrees = Number(raw.slice(0, Math.max(0, end - 2)) || "0");
  const minutes = Number(raw.slice(Math.max(0, end - 2)));
  return degrees + minutes / 60;
}
