/**
 * What a truck sends the agent, as bytes, for the benchmark: a 10 Hz GNSS receiver with the eight
 * sentences a u-blox receiver sends per epoch (RMC, VTG, GGA, GSA, three GSV, GLL) and a load cell
 * sending a continuous ASCII frame every 100 ms. The truck drives the fault tests' duty cycle
 * (test/faults/truck-time.ts: laps of a 1.5 km circle in Shanghai, stops to load and unload, a
 * tunnel without fix once a lap).
 */
import type { Fix } from "../../agent/contracts.js";
import { withChecksum } from "../../drivers/gps/checksum.js";
import { nmeaDate, nmeaLatitude, nmeaLongitude, nmeaTime } from "../../simulator/nmea-sentences.js";
import { EPOCHS_PER_S, scaleFrame, truckAt, type TruckState } from "../faults/truck-time.js";

export const SENTENCES_PER_EPOCH = 8;

/** One epoch's sentences, without line ends. */
export function epochLines(state: TruckState): string[] {
  const time = nmeaTime(state.timeMs);
  const position = state.fix ? `${nmeaLatitude(state.lat)},${nmeaLongitude(state.lon)}` : ",,,";
  const knots = state.fix ? (state.speedKmh / 1.852).toFixed(3) : "";
  const kmh = state.fix ? state.speedKmh.toFixed(3) : "";
  const course = state.fix ? state.courseDeg.toFixed(2) : "";
  const [status, mode] = state.fix ? ["A", "A"] : ["V", "N"];

  return [
    `$GNRMC,${time},${status},${position},${knots},${course},${nmeaDate(state.timeMs)},,,${mode}`,
    `$GNVTG,${course},T,,M,${knots},N,${kmh},K,${mode}`,
    `$GNGGA,${time},${position},${state.fix ? "1,12,0.8,12.0" : "0,00,99.99,"},M,8.9,M,,`,
    `$GNGSA,A,${state.fix ? "3,02,05,07,09,13,15,18,20,23,26,29,30,1.4,0.8,1.1" : "1,,,,,,,,,,,,,99.99,99.99,99.99"}`,
    "$GPGSV,3,1,12,02,71,304,45,05,42,073,41,07,18,160,36,09,33,251,40",
    "$GPGSV,3,2,12,13,59,035,44,15,27,193,38,18,11,321,31,20,64,112,46",
    "$GPGSV,3,3,12,23,08,284,29,26,22,047,35,29,47,203,42,30,36,145,39",
    `$GNGLL,${position},${time},${status},${mode}`,
  ].map(withChecksum);
}

export interface TruckStream {
  /** GPS bytes, in chunks of the given size (a serial port hands over a few hundred bytes at a time). */
  gps: Buffer[];
  scale: Buffer[];
  /** GPS time of the first epoch of each chunk pair, ms. */
  timesMs: number[];
  sentences: number;
  /** The sentences as strings, for row 1's bare parse loop; empty unless asked for. */
  lines: string[];
}

/**
 * `epochs` epochs from `firstEpoch`, as chunk pairs of `epochsPerChunk` epochs of GPS bytes and the
 * scale frames of the same 100 ms slots (one frame per epoch: 10 Hz).
 */
export function truckStream(firstEpoch: number, epochs: number, keepLines = false, epochsPerChunk = 2): TruckStream {
  const stream: TruckStream = { gps: [], scale: [], timesMs: [], sentences: 0, lines: [] };
  let weightKg = 9000;
  for (let e = firstEpoch; e < firstEpoch + epochs; e += epochsPerChunk) {
    let gps = "";
    let scale = "";
    stream.timesMs.push(truckAt(e).timeMs);
    for (let i = e; i < Math.min(e + epochsPerChunk, firstEpoch + epochs); i++) {
      const state = truckAt(i);
      const lines = epochLines(state);
      if (keepLines) stream.lines.push(...lines);
      stream.sentences += lines.length;
      gps += lines.map((line) => `${line}\r\n`).join("");
      weightKg = state.weightKg ?? weightKg;
      scale += scaleFrame(weightKg);
    }
    stream.gps.push(Buffer.from(gps, "latin1"));
    stream.scale.push(Buffer.from(scale, "latin1"));
  }
  return stream;
}

export const EPOCHS_PER_HOUR = 3600 * EPOCHS_PER_S;

/** A fix as the GPS driver assembles it, straight from the truck's state (for rows that skip NMEA). */
export function fixOf(state: TruckState, receivedAtMs = state.timeMs): Fix {
  return {
    time: new Date(state.timeMs).toISOString(),
    timeOfDay: null,
    lat: state.fix ? state.lat : null,
    lon: state.fix ? state.lon : null,
    speedKmh: state.fix ? state.speedKmh : null,
    courseDeg: state.fix ? Math.round(state.courseDeg * 100) / 100 : null,
    altM: state.fix ? 12 : null,
    geoidSepM: 8.9,
    hdop: state.fix ? 0.8 : null,
    sats: 12,
    quality: state.fix ? "gps" : "none",
    mode: state.fix ? 3 : null,
    valid: state.fix,
    receivedAtMs,
    sources: ["GNRMC", "GNGGA"],
  };
}
