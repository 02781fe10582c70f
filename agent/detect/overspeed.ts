/**
 * Overspeed episodes. An episode starts when the speed has stayed above the limit plus
 * `toleranceKmh` for `minDurationS` (one start event) and ends once it has stayed at or below the
 * limit minus `hysteresisKmh` for `clearDurationS` (one end event, with the limit, max and mean
 * speed, duration, distance, start and end positions, and the zone or route segment).
 *
 * The tolerance keeps a truck driving at the limit out of it; the hysteresis keeps a speed that
 * hovers around limit + tolerance to one episode instead of a flurry. A single fix over the
 * limit never opens an episode (its run lasts 0 s) unless `minDurationS` is 0. The speed is the
 * receiver's Doppler speed over ground, which does not suffer from position jitter.
 *
 * Every fix is judged against the limit where it is. The episode reports the lowest limit it
 * exceeded (entering a 30 zone at 50 names that zone), and it ends against the limit where the
 * truck then is.
 */
import type { ZoneIndex } from "../../config/zones/zone.js";
import type { DetectConfig } from "../../config/detect-schema.js";
import type { AgentEvent } from "../contracts.js";
import { distanceM, round1, roundDeg, type LatLon } from "./geo.js";
import { limitAt, type LimitHere } from "./speed-limit.js";
import { Sustained, type Transition } from "./sustained.js";
import { iso, type TrackPoint } from "./track-point.js";

type SpeedConfig = DetectConfig["speed"];

/** Running figures of an episode (including the run that opened it). */
interface EpisodeStats {
  start: TrackPoint;
  last: TrackPoint;
  limit: LimitHere;
  maxSpeedKmh: number;
  speedTimeSum: number;
  durationMs: number;
  distanceM: number;
}

export interface OverspeedSnapshot {
  startedAtMs: number;
  start: LatLon;
  limit: LimitHere;
  maxSpeedKmh: number;
}

export class OverspeedDetector {
  private readonly episode: Sustained;
  private readonly warning: Sustained | null;
  /** Figures since the start of the current over-limit run or open episode. */
  private stats: EpisodeStats | null = null;
  /** Figures frozen when the speed first came back under: the episode ends there. */
  private statsAtClear: EpisodeStats | null = null;

  constructor(
    private readonly config: SpeedConfig,
    private zones: ZoneIndex | null,
  ) {
    const maxGapMs = config.maxFixGapS * 1000;
    this.episode = new Sustained({
      startAfterMs: config.minDurationS * 1000,
      endAfterMs: config.clearDurationS * 1000,
      maxGapMs,
    });
    this.warning =
      config.preWarningKmh === undefined
        ? null
        : new Sustained({
            startAfterMs: config.minDurationS * 1000,
            endAfterMs: config.clearDurationS * 1000,
            maxGapMs,
          });
  }

  get inEpisode(): boolean {
    return this.episode.open;
  }

  offer(point: TrackPoint): AgentEvent[] {
    const here = limitAt(point, this.config.defaultLimitKmh, this.zones);
    const events: AgentEvent[] = [];

    const warning = this.offerWarning(point, here);
    if (warning !== null) events.push(warning);

    const over = point.speedKmh > here.limitKmh + this.config.toleranceKmh;
    const under = point.speedKmh <= here.limitKmh - this.config.hysteresisKmh;
    const transition = this.episode.update(point.atMs, over, under);

    this.track(point, here, over, transition);
    if (transition === "start") events.push(this.startEvent(point));
    if (transition === "end") events.push(this.endEvent());
    return events;
  }

  /** New zones (a reload): an open episode continues, judged against the new limits from the next fix. */
  useZones(zones: ZoneIndex | null): void {
    this.zones = zones;
  }

  snapshot(): OverspeedSnapshot | null {
    if (!this.episode.open || this.stats === null) return null;
    const { start, limit, maxSpeedKmh } = this.stats;
    return { startedAtMs: start.atMs, start: { lat: start.lat, lon: start.lon }, limit, maxSpeedKmh };
  }

  /** An episode open before a restart continues; its figures restart from the first fix. */
  restore(snapshot: OverspeedSnapshot): void {
    this.episode.reopen(snapshot.startedAtMs);
    const start = { atMs: snapshot.startedAtMs, ...snapshot.start, speedKmh: snapshot.maxSpeedKmh };
    this.stats = {
      start,
      last: start,
      limit: snapshot.limit,
      maxSpeedKmh: snapshot.maxSpeedKmh,
      speedTimeSum: 0,
      durationMs: 0,
      distanceM: 0,
    };
  }

  /** Keeps the figures of the run or episode in progress; freezes them where the speed came back under. */
  private track(point: TrackPoint, here: LimitHere, over: boolean, transition: Transition): void {
    const e = this.episode;
    if (!e.open && transition !== "end" && e.runSinceMs === null) {
      this.stats = null;
      return;
    }

    const runStartsHere =
      e.runSinceMs === point.atMs || (transition === "start" && e.startedAtMs === point.atMs);
    if (this.stats === null || (!e.open && runStartsHere)) {
      this.stats = {
        start: point,
        last: point,
        limit: here,
        maxSpeedKmh: point.speedKmh,
        speedTimeSum: 0,
        durationMs: 0,
        distanceM: 0,
      };
    } else {
      this.add(this.stats, point, over ? here : null);
    }

    if (e.clearSinceMs === point.atMs) this.statsAtClear = { ...this.stats };
    else if (e.clearSinceMs === null && transition !== "end") this.statsAtClear = null;
  }

  /** `exceeded`: the limit this point was over, if any; the episode reports the lowest one exceeded. */
  private add(s: EpisodeStats, point: TrackPoint, exceeded: LimitHere | null): void {
    const dtMs = point.atMs - s.last.atMs;
    s.speedTimeSum += ((point.speedKmh + s.last.speedKmh) / 2) * dtMs;
    s.durationMs += dtMs;
    s.distanceM += distanceM(s.last, point);
    s.maxSpeedKmh = Math.max(s.maxSpeedKmh, point.speedKmh);
    if (exceeded !== null && exceeded.limitKmh < s.limit.limitKmh) s.limit = exceeded;
    s.last = point;
  }

  private startEvent(point: TrackPoint): AgentEvent {
    const s = this.stats!;
    return {
      type: "overspeed",
      severity: "alarm",
      startedAt: iso(s.start.atMs),
      lat: roundDeg(s.start.lat),
      lon: roundDeg(s.start.lon),
      details: {
        phase: "start",
        ...this.limitDetails(s.limit),
        toleranceKmh: this.config.toleranceKmh,
        speedKmh: round1(point.speedKmh),
        maxSpeedKmh: round1(s.maxSpeedKmh),
      },
    };
  }

  private endEvent(): AgentEvent {
    const s = this.statsAtClear ?? this.stats!;
    this.stats = null;
    this.statsAtClear = null;
    return {
      type: "overspeed",
      severity: "alarm",
      startedAt: iso(s.start.atMs),
      endedAt: iso(s.last.atMs),
      lat: roundDeg(s.start.lat),
      lon: roundDeg(s.start.lon),
      details: {
        phase: "end",
        ...this.limitDetails(s.limit),
        maxSpeedKmh: round1(s.maxSpeedKmh),
        meanSpeedKmh: round1(s.durationMs === 0 ? s.maxSpeedKmh : s.speedTimeSum / s.durationMs),
        durationS: round1(s.durationMs / 1000),
        distanceM: round1(s.distanceM),
        start: { lat: roundDeg(s.start.lat), lon: roundDeg(s.start.lon) },
        end: { lat: roundDeg(s.last.lat), lon: roundDeg(s.last.lon) },
      },
    };
  }

  private limitDetails(limit: LimitHere): Record<string, unknown> {
    return { limitKmh: limit.limitKmh, zoneId: limit.zoneId, segment: limit.segment };
  }

  /** The pre-warning: above limit − margin for minDurationS, once per approach. */
  private offerWarning(point: TrackPoint, here: LimitHere): AgentEvent | null {
    if (this.warning === null) return null;
    const thresholdKmh = here.limitKmh - this.config.preWarningKmh!;
    const near = point.speedKmh > thresholdKmh;
    const away = point.speedKmh <= thresholdKmh - this.config.hysteresisKmh;
    if (this.warning.update(point.atMs, near, away) !== "start") return null;

    return {
      type: "overspeed_warning",
      severity: "warning",
      startedAt: iso(this.warning.startedAtMs!),
      lat: roundDeg(point.lat),
      lon: roundDeg(point.lon),
      details: {
        ...this.limitDetails(here),
        marginKmh: this.config.preWarningKmh,
        speedKmh: round1(point.speedKmh),
      },
    };
  }
}
