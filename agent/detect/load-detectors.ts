/**
 * Everything the load cell decides, fed one weight sample at a time: the vibration filter, loads
 * and unloads (classified by site), spills, overload, and a scale that reports errors or
 * contradicts the body-lift switch (`sensor_fault`).
 */
import type { ZoneIndex } from "../../config/zones/zone.js";
import type { DetectConfig } from "../../config/detect-schema.js";
import type { AgentEvent, WeightSample } from "../contracts.js";
import { ConditionWatch } from "./condition-watch.js";
import { round1, roundDeg } from "./geo.js";
import { classifyLoad, classifyUnload } from "./load-site.js";
import { LoadWatch, type Position, type WeightChange } from "./load-watch.js";
import type { MotionState } from "./motion.js";
import { SpillWatch } from "./spill-watch.js";
import { iso } from "./track-point.js";
import { WeightWindow } from "./weight-window.js";

/** What the rest of the truck says at the moment of a sample. */
export interface LoadSituation {
  motion: MotionState;
  /** The body-lift switch: true raised, false lowered, undefined not fitted. */
  bodyLift: boolean | undefined;
  /** The last fix that passed the gate. */
  position: Position | null;
}

/** A scale that stops sending for longer than this has no continuous reading. */
const SCALE_MAX_GAP_S = 10;

export class LoadDetectors {
  private readonly filter: WeightWindow;
  private readonly loads: LoadWatch;
  private readonly spills: SpillWatch;
  private readonly overload: ConditionWatch;
  private readonly scaleError: ConditionWatch;
  private filteredKg: number | null = null;

  constructor(
    private readonly config: DetectConfig["load"],
    private zones: ZoneIndex | null,
    private readonly maxFixGapS: number,
  ) {
    this.filter = new WeightWindow(config.filterWindowS * 1000);
    this.loads = new LoadWatch(config);
    this.spills = new SpillWatch(config);
    this.overload = new ConditionWatch("overload", config.overloadS, SCALE_MAX_GAP_S);
    this.scaleError = new ConditionWatch("sensor_fault", config.scaleErrorS, SCALE_MAX_GAP_S);
  }

  /** New zones (a reload): a load or unload in progress is judged against them, not forgotten. */
  useZones(zones: ZoneIndex | null): void {
    this.zones = zones;
  }

  /** Loaded: the settled weight is at least `loadedMinKg` above the empty reading. Unknown = not loaded. */
  get loaded(): boolean {
    const kg = this.loads.referenceKg;
    return kg !== null && kg - this.config.emptyKg >= this.config.loadedMinKg;
  }

  get weightKg(): number | null {
    return this.filteredKg;
  }

  referenceKg(): number | null {
    return this.loads.referenceKg;
  }

  restore(referenceKg: number | null): void {
    this.loads.restore(referenceKg);
  }

  offer(sample: WeightSample, atMs: number, here: LoadSituation): AgentEvent[] {
    const events: AgentEvent[] = [];
    const fault = this.scaleError.update(atMs, sample.error, !sample.error, here.position, () => ({
      reason: "scale_error",
      sensor: "scale",
    }));
    if (fault !== null) events.push(fault);
    if (sample.error) return events;

    const reading = { atMs, kg: sample.weightKg, stable: sample.stable };
    this.filter.add(reading);
    const kg = this.filter.median()!;
    this.filteredKg = kg;

    const spill = this.spills.offer(reading, here.motion === "moving");
    if (spill !== null) {
      this.loads.rebase(spill.toKg);
      events.push(this.spillEvent(spill.startedAtMs, spill.fromKg, spill.toKg, here.position));
    }

    const fixFresh = here.position !== null && atMs - here.position.atMs <= this.maxFixGapS * 1000;
    const change = this.loads.offer(atMs, kg, {
      standing: here.motion !== "moving",
      bodyLift: here.bodyLift === true,
      position: here.position,
      fixFresh,
    });
    if (change !== null) events.push(this.changeEvent(change, here));

    const max = this.config.maxWeightKg;
    if (max !== undefined) {
      const over = this.overload.update(
        atMs,
        kg > max,
        kg <= max - this.config.settleKg,
        here.position,
        () => ({
          weightKg: Math.round(kg),
          maxWeightKg: max,
          overKg: Math.round(kg - max),
        }),
      );
      if (over !== null) events.push(over);
    }
    return events;
  }

  private changeEvent(change: WeightChange, here: LoadSituation): AgentEvent {
    const amountKg = Math.round(Math.abs(change.toKg - change.fromKg));
    const where = change.position;
    const base = {
      amountKg,
      fromKg: Math.round(change.fromKg),
      toKg: Math.round(change.toKg),
      durationS: round1((change.endedAtMs - change.startedAtMs) / 1000),
      ...this.positionDetails(change),
    };

    if (change.kind === "unload" && here.bodyLift !== undefined && !change.bodyLiftSeen) {
      // The switch is fitted and never said raised: either it is broken or the weight is wrong.
      return this.event("sensor_fault", "alarm", change, {
        reason: "weight_drop_without_body_lift",
        sensor: "bodyLift",
        ...base,
      });
    }

    const verdict =
      change.kind === "load"
        ? classifyLoad(this.zones, where, change.startedAtMs, this.config.siteMarginM)
        : classifyUnload(this.zones, where, change.startedAtMs, this.config.siteMarginM);
    const severity =
      verdict.type === "illegal_dump" || verdict.type === "unauthorized_load"
        ? "alarm"
        : verdict.type === "unload_at_origin"
          ? "warning"
          : "info";
    const bodyLift = here.bodyLift === undefined ? {} : { bodyLiftSeen: change.bodyLiftSeen };
    return this.event(verdict.type, severity, change, { ...base, ...verdict.details, ...bodyLift });
  }

  /**
   * Where the change happened, and whether that is a fresh fix or the last good one before a
   * loss of fix (`fixLost`: the fix was missing when the weight began to change or while it did).
   */
  private positionDetails(change: WeightChange): Record<string, unknown> {
    const where = change.position;
    if (where === null) return { positionSource: "none", fixLost: true };

    const ageS = (change.startedAtMs - where.atMs) / 1000;
    return {
      positionSource: ageS > this.maxFixGapS ? "last_fix" : "fix",
      fixLost: change.fixLost,
      positionAt: iso(where.atMs),
      positionAgeS: round1(Math.max(0, ageS)),
    };
  }

  private event(
    type: string,
    severity: AgentEvent["severity"],
    change: WeightChange,
    details: Record<string, unknown>,
  ): AgentEvent {
    const where = change.position;
    return {
      type,
      severity,
      startedAt: iso(change.startedAtMs),
      endedAt: iso(change.endedAtMs),
      lat: where === null ? null : roundDeg(where.lat),
      lon: where === null ? null : roundDeg(where.lon),
      details,
    };
  }

  private spillEvent(startedAtMs: number, fromKg: number, toKg: number, where: Position | null): AgentEvent {
    return {
      type: "spill",
      severity: "alarm",
      startedAt: iso(startedAtMs),
      lat: where === null ? null : roundDeg(where.lat),
      lon: where === null ? null : roundDeg(where.lon),
      details: {
        amountKg: Math.round(fromKg - toKg),
        fromKg: Math.round(fromKg),
        toKg: Math.round(toKg),
        holdS: this.config.spillHoldS,
      },
    };
  }
}
