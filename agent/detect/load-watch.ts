/**
 * Loads and unloads from the filtered weight. The watch keeps a settled reference weight; while
 * the truck stands or creeps, a departure from it by more than `settleKg` opens a change, which
 * completes once the weight has settled again for `settleS` (longer than an excavator's bucket
 * cycle, so the eight buckets of a load are one load) or the truck drives off. The net decides:
 *
 *   ≥ loadMinKg up         → a load
 *   ≥ unloadMinKg down     → an unload
 *   anything smaller       → the reference moves silently (mud, a driver climbing on the body)
 *   slower than changeWindowS → drift: load cells creep with temperature by kilograms an hour,
 *                            which over a long wait adds up but never within minutes
 * A change back to the reference (a traffic-light stop with a shifting load) is no change.
 * While the truck drives, weight changes are the spill watch's business; a spill it reports
 * moves the reference, so the next stop does not count the lost load as an unload there.
 */
import type { DetectConfig } from "../../config/detect-schema.js";
import type { LatLon } from "./geo.js";

export interface Position extends LatLon {
  /** GPS time of the fix the position is from. */
  atMs: number;
}

export interface WeightChange {
  kind: "load" | "unload";
  startedAtMs: number;
  endedAtMs: number;
  fromKg: number;
  toKg: number;
  /** Where the truck stood when the weight began to change (the last good fix then). */
  position: Position | null;
  /** The body-lift switch said raised at some time during the change. */
  bodyLiftSeen: boolean;
  /** No fresh fix at some time during the change. */
  fixLost: boolean;
}

type OpenChange = Pick<WeightChange, "startedAtMs" | "position" | "bodyLiftSeen" | "fixLost">;

/** What else is true at the moment of one weight reading. */
export interface ReadingSituation {
  /** Stopped or slow, when loading and tipping happen. */
  standing: boolean;
  bodyLift: boolean;
  /** The last good fix. */
  position: Position | null;
  /** Whether that fix is recent enough to be where the truck is. */
  fixFresh: boolean;
}

export class LoadWatch {
  private baseKg: number | null = null;
  private holdKg: number | null = null;
  private holdSinceMs = 0;
  private change: OpenChange | null = null;
  private wasStanding = true;

  constructor(private readonly config: DetectConfig["load"]) {}

  /** The settled weight, or null before the scale has settled once. */
  get referenceKg(): number | null {
    return this.baseKg;
  }

  /** One filtered weight. Returns a completed load or unload. */
  offer(atMs: number, kg: number, here: ReadingSituation): WeightChange | null {
    const { standing, bodyLift } = here;
    if (this.holdKg === null || Math.abs(kg - this.holdKg) > this.config.settleKg) {
      this.holdKg = kg;
      this.holdSinceMs = atMs;
    }
    const settled = atMs - this.holdSinceMs >= this.config.settleS * 1000;
    const droveOff = this.wasStanding && !standing;
    this.wasStanding = standing;

    if (this.baseKg === null) {
      if (settled) this.baseKg = this.holdKg;
      return null;
    }
    if (this.change === null) {
      if (standing && Math.abs(kg - this.baseKg) > this.config.settleKg) {
        this.change = {
          startedAtMs: atMs,
          position: here.position,
          bodyLiftSeen: bodyLift,
          fixLost: !here.fixFresh,
        };
      }
      return null;
    }

    this.change.bodyLiftSeen ||= bodyLift;
    this.change.fixLost ||= !here.fixFresh;
    if (!settled && !droveOff) return null;
    return this.complete(this.change, droveOff ? kg : this.holdKg, droveOff ? atMs : this.holdSinceMs);
  }

  /** A spill while driving: what is gone is not there to unload at the next stop. */
  rebase(kg: number): void {
    this.baseKg = kg;
  }

  restore(referenceKg: number | null): void {
    this.baseKg = referenceKg;
  }

  private complete(change: OpenChange, toKg: number, endedAtMs: number): WeightChange | null {
    const fromKg = this.baseKg!;
    const netKg = toKg - fromKg;
    this.change = null;
    this.baseKg = toKg;

    if (endedAtMs - change.startedAtMs > this.config.changeWindowS * 1000) return null;
    if (netKg >= this.config.loadMinKg) return { kind: "load", ...change, endedAtMs, fromKg, toKg };
    if (-netKg >= this.config.unloadMinKg) return { kind: "unload", ...change, endedAtMs, fromKg, toKg };
    return null;
  }
}
