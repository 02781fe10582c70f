/**
 * A violation that is a state lasting too long — overloaded, driving loaded with the cover open,
 * driving loaded outside the permit's hours, a scale reporting errors: one alarm when the state
 * has held for its duration, none while it goes on, and a new one only after it has ended.
 */
import type { AgentEvent } from "../contracts.js";
import { roundDeg, type LatLon } from "./geo.js";
import { Sustained } from "./sustained.js";
import { iso } from "./track-point.js";

export class ConditionWatch {
  private readonly state: Sustained;

  constructor(
    private readonly type: string,
    durationS: number,
    /** Observations further apart than this do not make a continuous run (a lost fix, a silent scale). */
    maxGapS: number,
  ) {
    this.state = new Sustained({ startAfterMs: durationS * 1000, endAfterMs: 0, maxGapMs: maxGapS * 1000 });
  }

  get open(): boolean {
    return this.state.open;
  }

  /** One observation; `details` are computed only when the alarm is raised. */
  update(
    atMs: number,
    active: boolean,
    cleared: boolean,
    where: LatLon | null,
    details: () => Record<string, unknown>,
  ): AgentEvent | null {
    if (this.state.update(atMs, active, cleared) !== "start") return null;
    const startedAtMs = this.state.startedAtMs!;
    return {
      type: this.type,
      severity: "alarm",
      startedAt: iso(startedAtMs),
      lat: where === null ? null : roundDeg(where.lat),
      lon: where === null ? null : roundDeg(where.lon),
      details: { ...details(), durationS: Math.round((atMs - startedAtMs) / 100) / 10 },
    };
  }
}
