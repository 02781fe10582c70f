/**
 * Watches for stretches without a valid fix. A receiver that keeps talking but has no fix leaves
 * a hole in the track as surely as an unplugged one (a covered antenna looks exactly like this),
 * so a stretch of at least `minS` seconds becomes a `gps_no_fix` event with its start and end.
 * Times are the gateway's (`receivedAtMs`): an invalid fix often has no date, and mixing the
 * receiver's clock with the gateway's would make durations out of two different clocks.
 */
import type { AgentEvent, Fix } from "./contracts.js";

export class NoFixWatch {
  private lastValidMs: number | null = null;
  private lostSinceMs: number | null = null;
  private lastPosition: { lat: number | null; lon: number | null } = { lat: null, lon: null };

  constructor(private readonly minS: number) {}

  /** Returns the event when a long enough stretch without a fix has just ended. */
  offer(fix: Fix): AgentEvent | null {
    const atMs = fix.receivedAtMs;
    if (!fix.valid) {
      this.lostSinceMs ??= this.lastValidMs ?? atMs;
      return null;
    }

    const event = this.lostSinceMs === null ? null : this.eventUntil(atMs);
    this.lostSinceMs = null;
    this.lastValidMs = atMs;
    this.lastPosition = { lat: fix.lat, lon: fix.lon };
    return event;
  }

  /** At shutdown or the end of a capture: the stretch still open, if long enough (no end time). */
  finish(nowMs: number): AgentEvent | null {
    if (this.lostSinceMs === null || nowMs - this.lostSinceMs < this.minS * 1000) return null;
    const event = this.eventUntil(nowMs)!;
    delete event.endedAt;
    return event;
  }

  private eventUntil(endMs: number): AgentEvent | null {
    const durationS = (endMs - this.lostSinceMs!) / 1000;
    if (durationS < this.minS) return null;

    return {
      type: "gps_no_fix",
      severity: "warning",
      startedAt: new Date(this.lostSinceMs!).toISOString(),
      endedAt: new Date(endMs).toISOString(),
      lat: this.lastPosition.lat,
      lon: this.lastPosition.lon,
      details: { durationS },
    };
  }
}
