/**
 * A truck driving east at a steady speed, as NMEA on a virtual serial device: one epoch (GPRMC +
 * GPGGA) per truck second, written every `tickMs` of wall time, until stopped. Truck time starts
 * at 2026-12-03 08:00:00 UTC and keeps counting, so epochs can be named by their second.
 */
import type { VirtualSerialDevice } from "../../simulator/pty.js";
import { sign } from "../gps/nmea-helpers.js";
import { sleep } from "../helpers/wait-for.js";

export const DRIVE_START_MS = Date.UTC(2026, 11, 3, 8, 0, 0);
const LAT = 31.23;
const LON0 = 121.47;

function dm(value: number, degreeDigits: number): string {
  const degrees = Math.floor(Math.abs(value));
  const minutes = (Math.abs(value) - degrees) * 60;
  return `${String(degrees).padStart(degreeDigits, "0")}${minutes.toFixed(5).padStart(8, "0")}`;
}

/** The sentences of truck second `second`, `eastM` metres east of the start. */
export function epochAt(second: number, speedKmh: number, eastM: number): string {
  const at = new Date(DRIVE_START_MS + second * 1000).toISOString();
  const time = `${at.slice(11, 13)}${at.slice(14, 16)}${at.slice(17, 19)}.00`;
  const date = `${at.slice(8, 10)}${at.slice(5, 7)}${at.slice(2, 4)}`;
  const lon = LON0 + eastM / (111_320 * Math.cos((LAT * Math.PI) / 180));
  const knots = (speedKmh / 1.852).toFixed(3);
  return [
    sign(`$GPRMC,${time},A,${dm(LAT, 2)},N,${dm(lon, 3)},E,${knots},90.0,${date},,,A`),
    sign(`$GPGGA,${time},${dm(LAT, 2)},N,${dm(lon, 3)},E,1,10,0.8,12.0,M,8.0,M,,`),
  ]
    .map((s) => `${s}\r\n`)
    .join("");
}

export class Drive {
  second = 0;
  speedKmh: number;
  private eastM = 0;
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly device: VirtualSerialDevice,
    speedKmh: number,
    private readonly tickMs = 40,
  ) {
    this.speedKmh = speedKmh;
  }

  start(): void {
    this.running = true;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.device.write(epochAt(this.second, this.speedKmh, this.eastM));
      this.second++;
      this.eastM += this.speedKmh / 3.6;
      await sleep(this.tickMs);
    }
  }
}
