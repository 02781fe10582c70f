/** A straight eastward drive as NMEA epochs (GPRMC + GPGGA, correct checksums), for end-to-end tests. */
import { sign } from "../gps/nmea-helpers.js";

function dm(value: number, degreeDigits: number): string {
  const degrees = Math.floor(Math.abs(value));
  const minutes = (Math.abs(value) - degrees) * 60;
  return `${String(degrees).padStart(degreeDigits, "0")}${minutes.toFixed(5).padStart(8, "0")}`;
}

/** Epoch `i` (< 3600): 2026-12-03 08:00:00 UTC + i s, moving east along 31.23° N at `speedKmh`. */
export function driveEpoch(i: number, speedKmh = 36): string[] {
  const lat = 31.23;
  const lon = 121.47 + (i * speedKmh) / 3.6 / (111_320 * Math.cos((lat * Math.PI) / 180));
  const time = `08${String(Math.floor(i / 60)).padStart(2, "0")}${String(i % 60).padStart(2, "0")}.00`;
  const knots = (speedKmh / 1.852).toFixed(3);
  return [
    sign(`$GPRMC,${time},A,${dm(lat, 2)},N,${dm(lon, 3)},E,${knots},90.0,031226,,,A`),
    sign(`$GPGGA,${time},${dm(lat, 2)},N,${dm(lon, 3)},E,1,10,0.8,12.0,M,8.0,M,,`),
  ];
}
