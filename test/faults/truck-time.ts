/**
 * Compressed truck time: what a 10 Hz GNSS receiver and a continuous load-cell indicator on a
 * working muck truck would send, as a pure function of a global epoch number. Epoch `e` is the
 * instant START + e × 100 ms, so NMEA times only grow across agent restarts as long as the caller
 * keeps counting (FaultFeed does), and any stretch of truck time can be regenerated exactly.
 *
 * The truck drives a circle of 1.5 km radius around a site in Shanghai at 36 km/h, stops to load
 * or unload, and loses its fix in a "tunnel" once per lap:
 *
 *   | drive (driveS, with a tunnel of tunnelS in the middle) | stop (stopS) | drive | stop | …
 *
 * Sentences, written here independently of the agent and the simulator (checksums by the test
 * helper `sign`), GGA first as SiRF-style receivers send them:
 *   $GPGGA,hhmmss.ss,ddmm.mmmmm,N,dddmm.mmmmm,E,quality 1|0,sats,hdop,altM,M,geoidSepM,M,,
 *   $GPRMC,hhmmss.ss,A|V,ddmm.mmmmm,N,dddmm.mmmmm,E,knots,course,ddmmyy,,,A|N
 * With GGA first, an agent that starts reading mid-stream never sees an epoch without its RMC,
 * so without a date: such an epoch stalls the position cadence while the gateway clock is ahead
 * of GPS time (see midstream-date.test.ts), which would hide what these tests look for.
 * Scale frames (A&D-style continuous ASCII): `ST,GS,+012340 kg`, one per truck second.
 */
import { sign } from "../gps/nmea-helpers.js";

export const EPOCH_MS = 100;
export const EPOCHS_PER_S = 1000 / EPOCH_MS;
/** First epoch: 2026-03-01 23:58:00 UTC, two minutes before a date change. */
export const START_MS = Date.UTC(2026, 2, 1, 23, 58, 0);

const CENTER = { lat: 31.23, lon: 121.47 };
const RADIUS_M = 1500;
const SPEED_KMH = 36;
const M_PER_DEG_LAT = 111_320;
const EMPTY_KG = 9_000;
const LOAD_STEP_KG = 250;

export interface DutyCycle {
  /** Driving part of one lap, truck seconds. */
  driveS: number;
  /** Stop at the end of a lap: loading after an empty lap, unloading after a loaded one, truck seconds. */
  stopS: number;
  /** No fix in the middle of the drive, truck seconds (0: none). */
  tunnelS: number;
}

export const DEFAULT_CYCLE: DutyCycle = { driveS: 240, stopS: 40, tunnelS: 15 };

export interface TruckState {
  timeMs: number;
  lat: number;
  lon: number;
  speedKmh: number;
  courseDeg: number;
  fix: boolean;
  /** Set on whole truck seconds: the indicator sends one frame a second. */
  weightKg: number | null;
}

/** Where the truck is and what it weighs at epoch `e`. */
export function truckAt(e: number, cycle: DutyCycle = DEFAULT_CYCLE): TruckState {
  const lapEpochs = (cycle.driveS + cycle.stopS) * EPOCHS_PER_S;
  const driveEpochs = cycle.driveS * EPOCHS_PER_S;
  const lap = Math.floor(e / lapEpochs);
  const inLap = e - lap * lapEpochs;
  const driving = inLap < driveEpochs;

  const speedMs = SPEED_KMH / 3.6;
  const drivenM = (lap * driveEpochs + Math.min(inLap, driveEpochs)) * (speedMs / EPOCHS_PER_S);
  const angle = drivenM / RADIUS_M;
  const north = RADIUS_M * Math.sin(angle);
  const east = RADIUS_M * Math.cos(angle);

  const tunnelFrom = (driveEpochs - cycle.tunnelS * EPOCHS_PER_S) / 2;
  const inTunnel = driving && inLap >= tunnelFrom && inLap < tunnelFrom + cycle.tunnelS * EPOCHS_PER_S;

  return {
    timeMs: START_MS + e * EPOCH_MS,
    lat: CENTER.lat + north / M_PER_DEG_LAT,
    lon: CENTER.lon + east / (M_PER_DEG_LAT * Math.cos((CENTER.lat * Math.PI) / 180)),
    speedKmh: driving ? SPEED_KMH : 0,
    // Counter-clockwise around the centre: the course is the tangent, measured from north.
    courseDeg: (((-angle * 180) / Math.PI) % 360 + 360) % 360,
    fix: !inTunnel,
    weightKg: e % EPOCHS_PER_S === 0 ? weightAt(lap, inLap - driveEpochs, driving) : null,
  };
}

/** Constant while driving (odd laps loaded); 250 kg a second up while loading, down while unloading. */
function weightAt(lap: number, stoppedEpochs: number, driving: boolean): number {
  const loaded = lap % 2 === 1;
  if (driving) return loaded ? EMPTY_KG + 10_000 : EMPTY_KG;
  const step = Math.min(40, Math.floor(stoppedEpochs / EPOCHS_PER_S)) * LOAD_STEP_KG;
  return loaded ? EMPTY_KG + 10_000 - step : EMPTY_KG + step;
}

/** The GGA and RMC of one epoch, CR LF terminated. */
export function epochNmea(state: TruckState): string {
  const time = hhmmss(state.timeMs);
  const position = state.fix ? `${degMin(state.lat, 2)},N,${degMin(state.lon, 3)},E` : ",,,";
  const knots = state.fix ? (state.speedKmh / 1.852).toFixed(3) : "";
  const course = state.fix ? state.courseDeg.toFixed(2) : "";
  const [status, mode] = state.fix ? ["A", "A"] : ["V", "N"];
  const rmc = `$GPRMC,${time},${status},${position},${knots},${course},${ddmmyy(state.timeMs)},,,${mode}`;
  const gga = `$GPGGA,${time},${position},${state.fix ? "1,10,0.8,12.0" : "0,00,99.9,"},M,8.0,M,,`;
  return `${sign(gga)}\r\n${sign(rmc)}\r\n`;
}

export function scaleFrame(weightKg: number): string {
  return `ST,GS,+${String(Math.round(weightKg)).padStart(6, "0")} kg\r\n`;
}

/** hhmmss.ss of a UTC instant. */
export function hhmmss(timeMs: number): string {
  const d = new Date(timeMs);
  const parts = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, "0"));
  return `${parts.join("")}.${String(Math.floor(d.getUTCMilliseconds() / 10)).padStart(2, "0")}`;
}

/** ddmmyy of a UTC instant: the date rolls at midnight UTC, months and years with it. */
export function ddmmyy(timeMs: number): string {
  const d = new Date(timeMs);
  return [d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear() % 100].map((n) => String(n).padStart(2, "0")).join("");
}

/** `ddmm.mmmmm` / `dddmm.mmmmm`, rounded once in 1e-5 minutes so 59.999996′ carries. */
function degMin(value: number, degreeDigits: number): string {
  const units = Math.round(Math.abs(value) * 60 * 100_000);
  const degrees = Math.floor(units / 6_000_000);
  const minutes = ((units - degrees * 6_000_000) / 100_000).toFixed(5).padStart(8, "0");
  return `${String(degrees).padStart(degreeDigits, "0")}${minutes}`;
}
