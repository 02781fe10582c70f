/**
 * The sentences a GNSS receiver sends for one epoch, written for a simulated truck: GNRMC, GNVTG,
 * GNGGA and GNGSA in the order a u-blox receiver sends them (NMEA 0183 v2.3 fields, with the
 * mode indicator). Precision is a little above a good receiver's, so the decoded fix equals the
 * simulated one: latitude and longitude to 1e-5 minutes (about 2 cm), speed to 0.001 knots.
 *
 *   $GNRMC,hhmmss.ss,A,ddmm.mmmmm,N,dddmm.mmmmm,E,knots,course,ddmmyy,,,A
 *   $GNVTG,course,T,,M,knots,N,kmh,K,A
 *   $GNGGA,hhmmss.ss,ddmm.mmmmm,N,dddmm.mmmmm,E,quality,sats,hdop,altM,M,geoidSepM,M,,
 *   $GNGSA,A,3,prn × 12,pdop,hdop,vdop
 */
import { withChecksum } from "../drivers/gps/checksum.js";

export interface EpochFix {
  /** UTC, epoch milliseconds. */
  timeMs: number;
  lon: number;
  lat: number;
  speedKmh: number;
  courseDeg: number;
}

const KNOTS_PER_KMH = 1 / 1.852;

/** What a healthy receiver with open sky reports; the simulator has no reason to vary it. */
const SKY = {
  quality: 1,
  sats: 12,
  hdop: 0.8,
  pdop: 1.4,
  vdop: 1.1,
  altM: 5.0,
  geoidSepM: 8.9,
  prns: ["02", "05", "07", "09", "13", "15", "18", "20", "23", "26", "29", "30"],
};

/** The epoch's sentences, each with its checksum, without line terminators. */
export function epochSentences(fix: EpochFix): string[] {
  const time = nmeaTime(fix.timeMs);
  const position = `${nmeaLatitude(fix.lat)},${nmeaLongitude(fix.lon)}`;
  const knots = (fix.speedKmh * KNOTS_PER_KMH).toFixed(3);
  const kmh = fix.speedKmh.toFixed(3);
  const course = nmeaCourse(fix.courseDeg);

  const gga = [time, position, SKY.quality, SKY.sats, SKY.hdop.toFixed(1)];
  const ggaHeight = [SKY.altM.toFixed(1), "M", SKY.geoidSepM.toFixed(1), "M", "", ""];
  const gsaDop = [SKY.pdop.toFixed(1), SKY.hdop.toFixed(1), SKY.vdop.toFixed(1)];

  return [
    `$GNRMC,${time},A,${position},${knots},${course},${nmeaDate(fix.timeMs)},,,A`,
    `$GNVTG,${course},T,,M,${knots},N,${kmh},K,A`,
    `$GNGGA,${[...gga, ...ggaHeight].join(",")}`,
    `$GNGSA,A,3,${SKY.prns.join(",")},${gsaDop.join(",")}`,
  ].map(withChecksum);
}

/** hhmmss.ss, UTC. */
export function nmeaTime(timeMs: number): string {
  const date = new Date(timeMs);
  const hhmmss = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    .map((part) => String(part).padStart(2, "0"))
    .join("");
  const hundredths = Math.floor(date.getUTCMilliseconds() / 10);
  return `${hhmmss}.${String(hundredths).padStart(2, "0")}`;
}

/** ddmmyy, UTC. */
export function nmeaDate(timeMs: number): string {
  const date = new Date(timeMs);
  return [date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCFullYear() % 100]
    .map((part) => String(part).padStart(2, "0"))
    .join("");
}

export function nmeaLatitude(lat: number): string {
  return `${degreesMinutes(Math.abs(lat), 2)},${lat < 0 ? "S" : "N"}`;
}

export function nmeaLongitude(lon: number): string {
  return `${degreesMinutes(Math.abs(lon), 3)},${lon < 0 ? "W" : "E"}`;
}

/** Degrees 0..360 with two decimals; 359.999 rounds to 0.00, not 360.00. */
function nmeaCourse(courseDeg: number): string {
  const hundredths = Math.round((((courseDeg % 360) + 360) % 360) * 100) % 36_000;
  return (hundredths / 100).toFixed(2);
}

/**
 * Degrees and decimal minutes, `dddmm.mmmmm`. Rounded as a whole number of 1e-5 minutes before
 * splitting, so 59.999996 minutes carries into the degrees instead of printing as 60.00000.
 */
function degreesMinutes(degrees: number, degreeDigits: number): string {
  const totalUnits = Math.round(degrees * 60 * 100_000);
  const wholeDegrees = Math.floor(totalUnits / (60 * 100_000));
  const minuteUnits = totalUnits - wholeDegrees * 60 * 100_000;

  const minutes = (minuteUnits / 100_000).toFixed(5).padStart(8, "0");
  return `${String(wholeDegrees).padStart(degreeDigits, "0")}${minutes}`;
}
