/**
 * `spill`: load lost while driving — material blown off an uncovered body, or dumped on the move
 * with the body half raised. Judged on the interquartile mean of `spillHoldS` (so only a loss
 * that lasts counts: a rough road shakes the reading by tonnes both ways, never one way for a
 * minute) against the highest such value of the last `spillWindowS` (so a slow drift never adds
 * up to one). One event per drive; the watch re-arms when the truck stops.
 */
import type { DetectConfig } from "../../config/detect-schema.js";
import { WeightWindow, type WeightReading } from "./weight-window.js";

export interface Spill {
  startedAtMs: number;
  atMs: number;
  fromKg: number;
  toKg: number;
}

export class SpillWatch {
  private readonly hold: WeightWindow;
  /**
   * The hold values of the last spillWindowS that a later one has not exceeded, oldest first:
   * its head is the window's peak (the earliest of equal ones). Kept this way, not as every
   * value: at 10 Hz the window holds 1,800 of them, and scanning them per sample cost more than
   * the rest of the detectors (benchmark row 2).
   */
  private peaks: Array<{ atMs: number; kg: number }> = [];
  private raised = false;
  private wasMoving = false;

  constructor(private readonly config: DetectConfig["load"]) {
    this.hold = new WeightWindow(config.spillHoldS * 1000);
  }

  offer(reading: WeightReading, moving: boolean): Spill | null {
    if (!moving) {
      this.wasMoving = false;
      return null;
    }
    if (!this.wasMoving) {
      // A fresh drive: readings from the stop (the tail of a tipping body) are not its baseline.
      this.hold.clear();
      this.peaks = [];
      this.raised = false;
      this.wasMoving = true;
    }

    this.hold.add(reading);
    if (this.hold.spanMs < this.config.spillHoldS * 1000 * 0.9) return null;
    const kg = this.hold.interquartileMean()!;
    while (this.peaks.length > 0 && this.peaks.at(-1)!.kg < kg) this.peaks.pop();
    this.peaks.push({ atMs: reading.atMs, kg });
    const fromMs = reading.atMs - this.config.spillWindowS * 1000;
    while (this.peaks[0]!.atMs < fromMs) this.peaks.shift();

    const peak = this.peaks[0]!;
    if (this.raised || peak.kg - kg < this.config.spillMinKg) return null;
    this.raised = true;
    return { startedAtMs: peak.atMs, atMs: reading.atMs, fromKg: peak.kg, toKg: kg };
  }
}
