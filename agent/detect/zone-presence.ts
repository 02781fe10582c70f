/**
 * Entering and leaving sites and no-go zones, with dwell and hysteresis so that GPS drift at a
 * boundary raises nothing: a zone is left after `dwellS` more than `hysteresisM` beyond its edge,
 * and entered after `dwellS` inside it — and only when the truck really came in: it was not
 * stopped at some time during the dwell, or it is at least `hysteresisM` deep inside. A parked
 * truck whose fixes wander a few metres across an edge, even for minutes, does neither; a truck
 * that drives in is in after `dwellS`, even if it parks just inside.
 *
 * Entering a `no_go` zone is an alarm (`no_go_entry`); sites give `zone_enter`/`zone_exit`
 * (info), the trail trips and unloads are reconciled against. Route corridors and speed zones
 * are other detectors' business. Inside/outside survives restarts and long losses of fix (the
 * engine persists it): the truck is where it was until fixes say otherwise.
 */
import type { Zone, ZoneIndex, ZoneKind } from "../../config/zones/zone.js";
import type { DetectConfig } from "../../config/detect-schema.js";
import type { AgentEvent } from "../contracts.js";
import { round1, roundDeg, type LatLon } from "./geo.js";
import { iso, type TrackPoint } from "./track-point.js";

const WATCHED: readonly ZoneKind[] = ["loading_site", "disposal_site", "no_go"];
const M_PER_DEG_LAT = 111_320;

interface Presence {
  zone: Zone;
  inside: boolean;
  /** Since when the truck has been on the other side (pending enter or exit); null: no change pending. */
  pendingSinceMs: number | null;
  pendingAt: LatLon | null;
  /** The truck was not stopped at some time since the change began. */
  pendingMoved: boolean;
  /** Inside since the agent's first fix: the truck was already there when the agent started. */
  initial: boolean;
  enteredAtMs: number | null;
}

export interface PresenceSnapshot {
  inside: Array<{ zoneId: string; enteredAtMs: number | null }>;
}

export class ZonePresence {
  private readonly presence = new Map<string, Presence>();
  /** False until the first point (or a restored state): where the truck first is, it has not "entered". */
  private located = false;

  constructor(
    private readonly config: DetectConfig["zones"],
    private readonly zones: ZoneIndex,
  ) {}

  /**
   * One judged point (a fix or one interpolated between two). `continuous`: no loss of fix
   * before it; `moving`: the truck is not stopped (motion over a window, not this point's speed).
   */
  offer(point: TrackPoint, continuous: boolean, moving: boolean): AgentEvent[] {
    if (!continuous) for (const p of this.presence.values()) this.clearPending(p);

    const inside = this.hits(point, 0);
    const near = this.hits(point, this.config.hysteresisM);
    const events: AgentEvent[] = [];
    if (!this.located) {
      // The agent's first fix with no saved state: the truck did not enter where it already is.
      for (const zone of inside.values()) this.presence.set(zone.id, { ...blank(zone), initial: true });
      this.located = true;
    }

    for (const zone of inside.values()) {
      if (!this.presence.has(zone.id)) this.presence.set(zone.id, blank(zone));
    }
    for (const p of [...this.presence.values()]) {
      const event = p.inside
        ? this.judgeExit(p, point, near.has(p.zone.id), moving)
        : this.judgeEnter(p, point, inside.has(p.zone.id), moving);
      if (event !== null) events.push(event);
    }
    return events;
  }

  /** The zones the truck is in now. */
  insideZones(): Zone[] {
    return [...this.presence.values()].filter((p) => p.inside).map((p) => p.zone);
  }

  snapshot(): PresenceSnapshot {
    return {
      inside: this.insideZones().map((zone) => ({
        zoneId: zone.id,
        enteredAtMs: this.presence.get(zone.id)!.enteredAtMs,
      })),
    };
  }

  restore(snapshot: PresenceSnapshot): void {
    this.located = true;
    for (const { zoneId, enteredAtMs } of snapshot.inside) {
      const zone = this.zones.zones.find((z) => z.id === zoneId);
      if (zone !== undefined) this.presence.set(zoneId, { ...blank(zone), inside: true, enteredAtMs });
    }
  }

  private hits(point: TrackPoint, marginM: number): Map<string, Zone> {
    // A loop rather than filter, map and pairs: twice per point, once per zone hit (row 3).
    const watched = new Map<string, Zone>();
    for (const hit of this.zones.containing(point.lon, point.lat, point.atMs, marginM)) {
      if (WATCHED.includes(hit.zone.kind)) watched.set(hit.zone.id, hit.zone);
    }
    return watched;
  }

  private judgeEnter(p: Presence, point: TrackPoint, isInside: boolean, moving: boolean): AgentEvent | null {
    if (!isInside) {
      this.presence.delete(p.zone.id);
      return null;
    }
    if (!this.dwelt(p, point, moving)) return null;

    // Standing deep inside since the first fix: it was there before the agent started; no entry to report.
    const already = p.initial && !p.pendingMoved;
    p.inside = true;
    p.enteredAtMs = already ? null : p.pendingSinceMs;
    const event = already ? null : this.event(p, p.zone.kind === "no_go" ? "no_go_entry" : "zone_enter");
    this.clearPending(p);
    return event;
  }

  private judgeExit(p: Presence, point: TrackPoint, isNear: boolean, moving: boolean): AgentEvent | null {
    if (isNear) {
      this.clearPending(p);
      return null;
    }
    if (!this.dwelt(p, point, moving, true)) return null;

    const event = this.event(p, "zone_exit");
    event.details!.insideS =
      p.enteredAtMs === null ? null : round1((p.pendingSinceMs! - p.enteredAtMs) / 1000);
    this.presence.delete(p.zone.id);
    return event;
  }

  /** True once the truck has been on the other side for `dwellS` (and, entering, really came in). */
  private dwelt(p: Presence, point: TrackPoint, moving: boolean, leaving = false): boolean {
    if (p.pendingSinceMs === null) {
      p.pendingSinceMs = point.atMs;
      p.pendingAt = { lat: point.lat, lon: point.lon };
      p.pendingMoved = false;
    }
    p.pendingMoved ||= moving;

    if (point.atMs - p.pendingSinceMs < this.config.dwellS * 1000) return false;
    return leaving || p.pendingMoved || this.deepInside(point, p.zone);
  }

  /** Inside with room to spare: every point `hysteresisM` away, in eight directions, is inside too. */
  private deepInside(point: TrackPoint, zone: Zone): boolean {
    const m = this.config.hysteresisM;
    const degLat = m / M_PER_DEG_LAT;
    const degLon = m / (M_PER_DEG_LAT * Math.cos((point.lat * Math.PI) / 180));
    for (let i = 0; i < 8; i++) {
      const angle = (i * Math.PI) / 4;
      const lat = point.lat + degLat * Math.cos(angle);
      const lon = point.lon + degLon * Math.sin(angle);
      if (!this.zones.containing(lon, lat, point.atMs, 0).some((hit) => hit.zone.id === zone.id))
        return false;
    }
    return true;
  }

  private event(p: Presence, type: string): AgentEvent {
    return {
      type,
      severity: type === "no_go_entry" ? "alarm" : "info",
      startedAt: iso(p.pendingSinceMs!),
      lat: roundDeg(p.pendingAt!.lat),
      lon: roundDeg(p.pendingAt!.lon),
      details: { zoneId: p.zone.id, zoneName: p.zone.name, kind: p.zone.kind },
    };
  }

  private clearPending(p: Presence): void {
    p.pendingSinceMs = null;
    p.pendingAt = null;
    p.pendingMoved = false;
    p.initial = false;
  }
}

function blank(zone: Zone): Presence {
  return {
    zone,
    inside: false,
    pendingSinceMs: null,
    pendingAt: null,
    pendingMoved: false,
    initial: false,
    enteredAtMs: null,
  };
}
