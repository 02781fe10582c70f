/**
 * `track_gap`: the fix was lost for at least `trackGapS` while the truck was moving — or it was
 * standing when the fix went and reappears at least `trackGapDistanceM` away, so it moved in
 * the dark. Tunnels and urban canyons cost seconds; a detour with the antenna covered costs
 * minutes, and the event says how far apart the last fix before and the first after lie.
 */
import type { AgentEvent } from "../contracts.js";
import type { DetectConfig } from "../../config/detect-schema.js";
import { distanceM, round1, roundDeg } from "./geo.js";
import type { MotionState } from "./motion.js";
import { iso, type TrackPoint } from "./track-point.js";

export class TrackGapWatch {
  private last: TrackPoint | null = null;

  constructor(private readonly config: DetectConfig["gnss"]) {}

  /** A gated fix, with the motion state the fixes before it gave (the state when the fix went). */
  offer(point: TrackPoint, motionBefore: MotionState): AgentEvent | null {
    const last = this.last;
    const wasMoving = motionBefore === "moving";
    this.last = point;
    if (last === null || point.atMs - last.atMs < this.config.trackGapS * 1000) return null;

    const gapM = distanceM(last, point);
    if (!wasMoving && gapM < this.config.trackGapDistanceM) return null;

    const durationS = (point.atMs - last.atMs) / 1000;
    return {
      type: "track_gap",
      severity: "alarm",
      startedAt: iso(last.atMs),
      endedAt: iso(point.atMs),
      lat: roundDeg(last.lat),
      lon: roundDeg(last.lon),
      details: {
        durationS: round1(durationS),
        distanceM: round1(gapM),
        from: { lat: roundDeg(last.lat), lon: roundDeg(last.lon) },
        to: { lat: roundDeg(point.lat), lon: roundDeg(point.lon) },
        speedBeforeKmh: round1(last.speedKmh),
        impliedSpeedKmh: round1((gapM / durationS) * 3.6),
        movingBefore: wasMoving,
      },
    };
  }
}
