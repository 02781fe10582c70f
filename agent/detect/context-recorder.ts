/**
 * The trip recorder's memory: every fix (valid or not), weight sample and input change at full
 * rate, kept for a while, so a violation can carry what happened in the seconds before it — the
 * evidence a reviewer replays before an officer acts on an alarm.
 *
 * Rows are compact arrays with their time as seconds after `from`:
 *   fixes   [offsetS, lat, lon, speedKmh, valid 1|0]   (lat/lon null without a fix)
 *   weights [offsetS, weightKg, stable 1|0]
 *   inputs  [offsetS, input, value]                    (bodyLift, cover, ignition)
 */
import type { Fix, WeightSample } from "../contracts.js";
import { round1, roundDeg } from "./geo.js";
import { iso } from "./track-point.js";

export interface EventContext {
  from: string;
  to: string;
  fixes: Array<[number, number | null, number | null, number | null, 0 | 1]>;
  weights: Array<[number, number, 0 | 1]>;
  inputs: Array<[number, string, boolean | null]>;
}

interface Stamped<T> {
  atMs: number;
  row: T;
}

export class ContextRecorder {
  private fixes: Array<Stamped<[number | null, number | null, number | null, 0 | 1]>> = [];
  private weights: Array<Stamped<[number, 0 | 1]>> = [];
  private inputs: Array<Stamped<[string, boolean | null]>> = [];
  private readonly keepMs: number;

  /**
   * `latestDecisionS`: how long after an episode began a detector may decide it (an unload is
   * judged once the weight has settled, a slow load within `changeWindowS`), so the seconds
   * before the start are still here when the alarm is raised.
   */
  constructor(
    private readonly contextS: number,
    latestDecisionS: number,
  ) {
    this.keepMs = (contextS + latestDecisionS) * 1000;
  }

  fix(fix: Fix, atMs: number): void {
    const speed = fix.speedKmh === null ? null : round1(fix.speedKmh);
    const [lat, lon] =
      fix.lat === null || fix.lon === null ? [null, null] : [roundDeg(fix.lat), roundDeg(fix.lon)];
    this.fixes.push({ atMs, row: [lat, lon, speed, fix.valid ? 1 : 0] });
    this.trim(this.fixes, atMs);
  }

  weight(sample: WeightSample, atMs: number): void {
    this.weights.push({ atMs, row: [sample.weightKg, sample.stable ? 1 : 0] });
    this.trim(this.weights, atMs);
  }

  input(name: string, value: boolean | null, atMs: number): void {
    this.inputs.push({ atMs, row: [name, value] });
    this.trim(this.inputs, atMs);
  }

  /** What was recorded in the `contextS` before `startMs` (the start of what the alarm is about). */
  before(startMs: number): EventContext {
    const fromMs = startMs - this.contextS * 1000;
    const toMs = startMs;
    const offset = (atMs: number) => Math.round((atMs - fromMs) / 100) / 10;
    const within = <T>(rows: Array<Stamped<T>>) => rows.filter((r) => r.atMs >= fromMs && r.atMs <= toMs);

    return {
      from: iso(fromMs),
      to: iso(toMs),
      fixes: within(this.fixes).map((r) => [offset(r.atMs), ...r.row]),
      weights: within(this.weights).map((r) => [offset(r.atMs), ...r.row]),
      inputs: within(this.inputs).map((r) => [offset(r.atMs), ...r.row]),
    };
  }

  /**
   * Drops rows older than keepMs, but only once the oldest is a tenth of keepMs past it: at 10 Hz
   * the window holds 10,000 fixes, and moving them all up by one per fix was the recorder's
   * whole cost (benchmark row 3). Older rows never reach an alarm: before() selects by time.
   */
  private trim<T>(rows: Array<Stamped<T>>, nowMs: number): void {
    if (rows.length === 0 || rows[0]!.atMs >= nowMs - this.keepMs * 1.1) return;
    let drop = 0;
    while (drop < rows.length && rows[drop]!.atMs < nowMs - this.keepMs) drop++;
    rows.splice(0, drop);
  }
}
