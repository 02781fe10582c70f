/**
 * The detectors, wired: fed in order with every fix (and whether it passed the fix gate), every
 * weight sample, every input change and antenna report, with their own times as the only clock —
 * so replaying a capture decides exactly what the truck decided live. Events go out through
 * `output.event`; an alarm (a violation) carries the recorder's context of the seconds before
 * it and joins the open trip's violation list. A completed trip goes out through `output.trip`.
 *
 * Order per fix: track gap (judged on the motion before the fix), motion, trip distance,
 * overspeed, zones and route on the fix and the points interpolated before it, then the states
 * that need loaded + moving (cover, permit hours).
 */
import type { DetectConfig } from "../../config/detect-schema.js";
import { localTime, minuteSpan, withinSpan } from "../../config/zones/local-time.js";
import type { ZoneIndex } from "../../config/zones/zone.js";
import type { AntennaReport } from "../../drivers/gps/antenna.js";
import type { AgentEvent, Fix, WeightSample } from "../contracts.js";
import { isoMs } from "../iso-time.js";
import { ConditionWatch } from "./condition-watch.js";
import { ContextRecorder } from "./context-recorder.js";
import { GnssWatch } from "./gnss-watch.js";
import { INPUT_NAMES, type InputState } from "../../drivers/inputs/contracts.js";
import { LoadDetectors } from "./load-detectors.js";
import type { Position } from "./load-watch.js";
import { Motion } from "./motion.js";
import { OverspeedDetector, type OverspeedSnapshot } from "./overspeed.js";
import { resample } from "./resample.js";
import { RouteWatch, type RouteSnapshot } from "./route-watch.js";
import type { DetectStateFile } from "./state-file.js";
import { TrackGapWatch } from "./track-gap.js";
import { trackPointOf, type TrackPoint } from "./track-point.js";
import { TripBuilder, type TripIdentity, type TripSnapshot } from "./trip-builder.js";
import { ZonePresence, type PresenceSnapshot } from "./zone-presence.js";

export interface DetectionOutput {
  /** Records an event; returns its record id (trips list their violations by it). */
  event(event: AgentEvent): string;
  trip(trip: Record<string, unknown>, endedAt: string): void;
}

export interface DetectionSetup {
  config: DetectConfig;
  zones: ZoneIndex | null;
  /** IANA time zone of permit hours and zone schedules. */
  timeZone: string;
  truckId: string;
  /** Where the state survives restarts; none in replay. */
  stateFile?: DetectStateFile | null;
}

const LOAD_EVENTS = new Set(["load", "unauthorized_load"]);
const UNLOAD_EVENTS = new Set(["unload", "unload_at_origin", "illegal_dump"]);

interface SavedState {
  presence?: PresenceSnapshot;
  route?: RouteSnapshot;
  overspeed?: OverspeedSnapshot | null;
  loadReferenceKg?: number | null;
  trip?: TripSnapshot | null;
}

export class DetectionEngine {
  private readonly config: DetectConfig;
  private readonly recorder: ContextRecorder;
  private readonly motion: Motion;
  private readonly gnss: GnssWatch;
  private readonly trackGap: TrackGapWatch;
  private readonly overspeed: OverspeedDetector;
  private readonly presence: ZonePresence | null;
  private readonly route: RouteWatch | null;
  private readonly loads: LoadDetectors;
  private readonly uncovered: ConditionWatch;
  private readonly outsideHours: ConditionWatch;
  private readonly trip: TripBuilder;
  private inputs: InputState = {};
  private last: TrackPoint | null = null;
  private nowMs: number | null = null;
  /** GPS time minus gateway time at the last dated fix. */
  private gatewayToGpsMs = 0;
  private offsetKnown = false;
  private savedJson: string | null = null;

  /**
   * `previous`: the engine this one replaces on a config reload. Detectors whose settings and
   * zones did not change are taken over as they are (a load settling, the context seconds, the
   * motion window); the others start from its state, as after a restart, so a reload neither
   * re-announces a site nor forgets an open deviation, episode or trip.
   */
  constructor(
    private readonly setup: DetectionSetup,
    private readonly output: DetectionOutput,
    previous?: DetectionEngine,
  ) {
    const c = (this.config = setup.config);
    const keep = <T>(old: T | undefined, pick: (config: DetectConfig) => unknown, make: () => T): T =>
      old !== undefined && sameJson(pick(previous!.config), pick(c)) ? old : make();
    const zonesKept = previous !== undefined && previous.setup.zones === setup.zones && previous.setup.timeZone === setup.timeZone;
    const withZones = zonesKept ? previous : undefined;

    // The slowest decision: a load judged at the end of its change window, then settled.
    this.recorder = keep(previous?.recorder, (d) => [d.contextS, d.load.changeWindowS, d.load.settleS], () => new ContextRecorder(c.contextS, c.load.changeWindowS + c.load.settleS + 60));
    this.motion = keep(previous?.motion, (d) => d.motion, () => new Motion(c.motion));
    this.gnss = keep(previous?.gnss, (d) => d.gnss.silentS, () => new GnssWatch(c.gnss.silentS));
    this.trackGap = keep(previous?.trackGap, (d) => d.gnss, () => new TrackGapWatch(c.gnss));
    this.overspeed = keep(previous?.overspeed, (d) => d.speed, () => new OverspeedDetector(c.speed, setup.zones));
    this.overspeed.useZones(setup.zones);
    this.presence = setup.zones === null ? null : keep(withZones?.presence ?? undefined, (d) => d.zones, () => new ZonePresence(c.zones, setup.zones!));
    this.route = setup.zones === null ? null : keep(withZones?.route ?? undefined, (d) => [d.route, d.zones], () => new RouteWatch(c.route, c.zones, setup.zones!, setup.timeZone));
    this.loads = keep(previous?.loads, (d) => [d.load, d.speed.maxFixGapS], () => new LoadDetectors(c.load, setup.zones, c.speed.maxFixGapS));
    this.loads.useZones(setup.zones);
    this.uncovered = keep(previous?.uncovered, (d) => [d.load.uncoveredS, d.speed.maxFixGapS], () => new ConditionWatch("uncovered_transport", c.load.uncoveredS, c.speed.maxFixGapS));
    this.outsideHours = keep(previous?.outsideHours, (d) => [d.vehicle.outsideHoursS, d.speed.maxFixGapS], () => new ConditionWatch("outside_hours", c.vehicle.outsideHoursS, c.speed.maxFixGapS));
    const identity: TripIdentity = {
      truckId: setup.truckId,
      plate: c.vehicle.plate ?? null,
      permitId: c.vehicle.permitId ?? null,
    };
    this.trip = keep(previous?.trip, (d) => [d.vehicle.plate, d.vehicle.permitId], () => new TripBuilder(identity));

    if (previous === undefined) this.restore();
    else this.takeOver(previous);
  }

  /** Every fix the receiver produced; `accepted` when it passed the fix gate. */
  onFix(fix: Fix, accepted: boolean): void {
    // Only a valid fix's time is GPS time: before its first fix a receiver reports its own
    // free-running clock (1980 after a cold start), which would make decades of "silence". Other
    // epochs are placed by the gateway clock and the offset learned at the last valid fix.
    const dated = fix.valid && fix.time !== null ? isoMs(fix.time) : null;
    if (dated !== null) {
      this.gatewayToGpsMs = dated - fix.receivedAtMs;
      this.offsetKnown = true;
    }
    const atMs = dated ?? (this.offsetKnown ? this.gpsTimeOf(fix.receivedAtMs) : null);
    if (atMs !== null) this.advance(atMs);
    this.recorder.fix(fix, atMs ?? this.nowMs ?? fix.receivedAtMs);
    if (atMs !== null) this.emit(this.gnss.epoch(atMs, this.last));

    if (!accepted) return;
    const point = trackPointOf(fix, this.last);
    if (point === null) return;
    this.onPoint(point);
  }

  onWeight(sample: WeightSample): void {
    // Before the first dated fix a weight carries only the gateway's own clock, which may be
    // hours or years off GPS time: judged, it would pin the load watch's settling (and the
    // engine's clock) to that wrong time. Such weights are on record, not judged.
    if (!this.offsetKnown) return;
    const atMs = this.gpsTimeOf(isoMs(sample.time));
    this.advance(atMs);
    this.recorder.weight(sample, atMs);

    const here = { motion: this.motion.current, bodyLift: this.inputs.bodyLift, position: this.position() };
    for (const event of this.loads.offer(sample, atMs, here)) this.emit(event);
  }

  /** The inputs' state after a change at `gatewayMs`. */
  onInputs(state: InputState, gatewayMs: number): void {
    // The state counts at once; its time only once a dated fix has set the offset (see onWeight).
    const atMs = this.offsetKnown ? this.gpsTimeOf(gatewayMs) : null;
    if (atMs !== null) this.advance(atMs);
    for (const name of INPUT_NAMES) {
      if (atMs !== null && state[name] !== this.inputs[name]) this.recorder.input(name, state[name] ?? null, atMs);
    }
    this.inputs = { ...state };
    this.motion.ignition(state.ignition);
    if (atMs !== null) this.judgeLoadedDriving(atMs);
  }

  /**
   * A switch that cannot be trusted (disconnected, unreadable, stuck): cutting the body-lift
   * wire is the cheapest way to hide a dump, so it is an alarm, with the last position.
   */
  onInputFault(input: string, kind: string, detail: string, gatewayMs: number): void {
    const atMs = this.gpsTimeOf(gatewayMs);
    if (this.offsetKnown) this.advance(atMs);
    this.emit({
      type: "sensor_fault",
      severity: "alarm",
      startedAt: new Date(atMs).toISOString(),
      lat: this.last?.lat ?? null,
      lon: this.last?.lon ?? null,
      details: { reason: `input_${kind}`, sensor: input, detail },
    });
  }

  /** An antenna report from the receiver (text sentences carry no time: the last epoch's). */
  onAntenna(report: AntennaReport): void {
    if (this.nowMs === null) return;
    this.emit(this.gnss.antenna(report, this.nowMs, this.last));
  }

  /** Live: the receiver has sent nothing since `fromMs` (the runtime's watchdog), now `atMs`. */
  onGpsSilence(fromMs: number, atMs: number): void {
    this.emit(this.gnss.silence(this.gpsTimeOf(fromMs), this.gpsTimeOf(atMs), this.last));
  }

  /** At shutdown or the end of a capture: make sure the state on disk is the last one. */
  finish(): void {
    this.persist();
  }

  private onPoint(point: TrackPoint): void {
    const previous = this.last;
    const continuous = previous !== null && point.atMs - previous.atMs <= this.config.gnss.trackGapS * 1000;

    this.emit(this.trackGap.offer(point, this.motion.current));
    this.motion.offer(point);
    this.trip.point(point);
    for (const event of this.overspeed.offer(point)) this.emit(event);

    const moving = this.motion.current !== "stopped";
    const points = resample(
      continuous ? previous : null,
      point,
      this.config.zones.stepM,
      this.config.gnss.trackGapS,
    );
    points.forEach((p, i) => {
      const unbroken = continuous || i > 0;
      for (const event of this.presence?.offer(p, unbroken, moving) ?? []) this.emit(event);
      this.emit(this.route?.offer(p, unbroken) ?? null);
    });

    this.last = point;
    this.judgeLoadedDriving(point.atMs);
  }

  /** States that only matter for a loaded truck on the move: the cover, the permit's hours. */
  private judgeLoadedDriving(atMs: number): void {
    const loadedMoving = this.loads.loaded && this.motion.current === "moving";
    const v = this.config.vehicle;

    const coverOpen = this.inputs.cover === false;
    this.emit(
      this.uncovered.update(atMs, loadedMoving && coverOpen, !(loadedMoving && coverOpen), this.last, () => ({
        weightKg: this.roundedWeight(),
      })),
    );

    if (v.permitHours.length === 0) return;
    const minute = localTime(atMs, this.setup.timeZone).minuteOfDay;
    const outside = loadedMoving && !v.permitHours.some((hours) => withinSpan(minute, minuteSpan(hours)));
    this.emit(
      this.outsideHours.update(atMs, outside, !outside, this.last, () => ({
        permitId: v.permitId ?? null,
        permitHours: v.permitHours,
        timeZone: this.setup.timeZone,
        weightKg: this.roundedWeight(),
      })),
    );
  }

  private emit(event: AgentEvent | null): void {
    if (event === null) return;

    const violation = event.severity === "alarm";
    if (violation && event.details?.phase !== "end") {
      event.details = { ...event.details, context: this.recorder.before(Date.parse(event.startedAt)) };
    }
    const id = this.output.event(event);
    if (violation) this.trip.violation(id);

    this.followTrip(event);
    this.persist();
  }

  /** Loads open trips, unloads close them, a return to route adds the time off it. */
  private followTrip(event: AgentEvent): void {
    const details = event.details ?? {};
    const siteId = (details.siteId as string | null | undefined) ?? null;
    const atMs = Date.parse(event.endedAt ?? event.startedAt);

    if (LOAD_EVENTS.has(event.type))
      this.trip.load(Date.parse(event.startedAt), siteId, details.amountKg as number);
    if (event.type === "route_return") this.trip.offRoute((details.offRouteS as number) * 1000);
    if (!UNLOAD_EVENTS.has(event.type)) return;

    const trip = this.trip.unload(
      event.type,
      atMs,
      siteId,
      details.amountKg as number,
      this.route?.deviationSinceMs ?? null,
    );
    if (trip !== null) this.output.trip(trip, event.endedAt ?? event.startedAt);
  }

  private position(): Position | null {
    return this.last === null ? null : { lat: this.last.lat, lon: this.last.lon, atMs: this.last.atMs };
  }

  private roundedWeight(): number | null {
    const kg = this.loads.weightKg;
    return kg === null ? null : Math.round(kg);
  }

  /**
   * Weights, input changes and the watchdog carry the gateway's clock; fixes carry GPS time. The
   * offset seen at the last dated fix (0 in a replay, which runs on GPS time) puts them on one
   * clock, so a gateway clock that is off by hours cannot make a fresh fix look lost.
   */
  private gpsTimeOf(gatewayMs: number): number {
    return gatewayMs + this.gatewayToGpsMs;
  }

  private advance(atMs: number): void {
    if (this.nowMs === null || atMs > this.nowMs) this.nowMs = atMs;
  }

  private snapshot(): SavedState {
    return {
      presence: this.presence?.snapshot(),
      route: this.route?.snapshot(),
      overspeed: this.overspeed.snapshot(),
      loadReferenceKg: this.loads.referenceKg(),
      trip: this.trip.snapshot(),
    };
  }

  private persist(): void {
    const file = this.setup.stateFile;
    if (file === undefined || file === null) return;
    const state = this.snapshot();
    const json = JSON.stringify(state);
    if (json === this.savedJson) return;
    file.save(state as Record<string, unknown>, this.nowMs ?? Date.now());
    this.savedJson = json;
  }

  private restore(): void {
    const saved = this.setup.stateFile?.load() as SavedState | null | undefined;
    if (saved === null || saved === undefined) return;
    this.restoreFrom(saved);
  }

  /** A reload: the clock, the track and the inputs go on; replaced detectors start from the old state. */
  private takeOver(previous: DetectionEngine): void {
    this.inputs = previous.inputs;
    this.last = previous.last;
    this.nowMs = previous.nowMs;
    this.gatewayToGpsMs = previous.gatewayToGpsMs;
    this.offsetKnown = previous.offsetKnown;
    if (this.motion !== previous.motion) this.motion.ignition(this.inputs.ignition);

    const saved = previous.snapshot();
    this.restoreFrom({
      presence: this.presence === previous.presence ? undefined : saved.presence,
      route: this.route === previous.route ? undefined : saved.route,
      overspeed: this.overspeed === previous.overspeed ? undefined : saved.overspeed,
      loadReferenceKg: this.loads === previous.loads ? undefined : saved.loadReferenceKg,
      trip: this.trip === previous.trip ? undefined : saved.trip,
    });
    this.savedJson = previous.savedJson;
    this.persist();
  }

  private restoreFrom(saved: SavedState): void {

    if (saved.presence !== undefined) this.presence?.restore(saved.presence);
    if (saved.route !== undefined) this.route?.restore(saved.route);
    if (saved.overspeed) this.overspeed.restore(saved.overspeed);
    if (saved.loadReferenceKg !== undefined) this.loads.restore(saved.loadReferenceKg);
    if (saved.trip) this.trip.restore(saved.trip);
    this.savedJson = JSON.stringify(this.snapshot());
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
