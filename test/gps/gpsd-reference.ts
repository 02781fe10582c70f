/**
 * An independent reading of a gpsd capture and its .chk, written only from SOURCE.md's
 * description (not from the driver's code), so the comparison can catch the driver's mistakes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GPSD_DATA_DIR } from "./gpsd-data.js";

export interface Tpv {
  mode: number;
  time?: string;
  lat?: number;
  lon?: number;
  /** m/s */
  speed?: number;
}

/** Every TPV of the .chk, in order. */
export function readTpvs(log: string): Tpv[] {
  const text = readFileSync(join(GPSD_DATA_DIR, `${log}.chk`), "latin1");
  return text
    .split("\n")
    .filter((line) => line.startsWith('{"class":"TPV"'))
    .map((line) => JSON.parse(line) as Tpv);
}

/** The last TPV for each time: gpsd's final word on that epoch. */
export function lastTpvByTime(tpvs: Tpv[]): Map<string, Tpv> {
  const byTime = new Map<string, Tpv>();
  for (const tpv of tpvs) if (tpv.time !== undefined) byTime.set(tpv.time, tpv);
  return byTime;
}

/** Sentences with a valid checksum, each taken from the last `$`/`!` start of its line. */
export function checkedSentences(log: string): string[] {
  const text = readFileSync(join(GPSD_DATA_DIR, log), "latin1");
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r+$/, "");
    if (line.startsWith("#")) continue;
    const start = Math.max(line.lastIndexOf("$"), line.lastIndexOf("!"));
    if (start < 0) continue;
    const candidate = line.slice(start);
    const star = candidate.lastIndexOf("*");
    if (star < 0 || star + 3 !== candidate.length) continue;
    let sum = 0;
    for (let i = 1; i < star; i++) sum ^= candidate.charCodeAt(i);
    if (sum === parseInt(candidate.slice(star + 1), 16)) out.push(candidate);
  }
  return out;
}

/** ISO times of RMC sentences with status A (date ddmmyy + hhmmss.ss from the same sentence). */
export function validRmcTimes(log: string): string[] {
  const times: string[] = [];
  for (const s of checkedSentences(log)) {
    const f = s.split(",");
    if (!/^\$..RMC$/.test(f[0]!) || f[2] !== "A" || !f[9] || !f[1]) continue;
    const [dd, mm, yy] = [f[9].slice(0, 2), f[9].slice(2, 4), Number(f[9].slice(4, 6))];
    const year = yy < 80 ? 2000 + yy : 1900 + yy;
    const frac = f[1].includes(".") ? f[1].split(".")[1]! : "";
    const ms = Math.round(Number(`0.${frac || "0"}`) * 1000);
    const hhmmss = `${f[1].slice(0, 2)}:${f[1].slice(2, 4)}:${f[1].slice(4, 6)}`;
    times.push(`${year}-${mm}-${dd}T${hhmmss}.${String(ms).padStart(3, "0")}Z`);
  }
  return times;
}
