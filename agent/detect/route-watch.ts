/**
 * `route_deviation` and `route_return`. A truck with an assigned route — the configured route
 * ids, or any route of the fleet's zone file when none are configured; a route with activeHours
 * is assigned only in its hours — may be inside any of its corridors or any loading or disposal
 * site. Once it has been outside all of them (by more than the zones' hysteresis) for
 * `deviationS` and has driven `deviationM` out there, it has deviated: one alarm. It has returned
 * after `zones.dwellS` back inside a corridor or site: one info event with the time and distance
 * off route. A road that merely crosses a corridor gives a few seconds inside: no return; a
 * detour around a blocked street shorter than `deviationM` gives no deviation.
 */
import type { Zone, ZoneIndex } from "../../config/zones/zone.js";
import type { DetectConfig } from "../../config/detect-schema.js";
import type { AgentEvent } from "../contracts.js";
import { distanceM, round1, roundDeg, type LatLon } from "./geo.js";
import { localTime } from "../../config/zones/local-time.js";
import { compileSchedule, type Schedule } from "../../config/zones/schedule.js";
import { iso, type TrackPoint } from "./track-point.js";

export interface RouteSnapshot {
  deviating: boolean;
  offSinceMs: number | null;
  offAt: LatLon | null;
  offDistanceM: number;
}

const MINUTE_MS = 60_000;

interface AssignedRoutes {
  minute: number;
  list: Zone[];
  ids: Set<string>;
  /** isActive of each route with hours or dates (`scheduled`), in order, at that minute. */
  scheduledActive: boolean[];
}

export class RouteWatch {
  private deviating = false;
  private offSinceMs: number | null = null;
  private offAt: LatLon | null = null;
  private offDistanceM = 0;
  private maxFromRouteM = 0;
  private returnSinceMs: number | null = null;
  private last: TrackPoint | null = null;
  /**
   * The truck's routes, whatever the hour (fixed by the config and the zone file), each with its
   * validity dates and hours, judged as the zone index judges them.
   */
  private readonly candidates: Array<{ zone: Zone; schedule: Schedule }>;
  /** The candidates with hours or validity dates: the only ones whose answer changes by the minute. */
  private readonly scheduled: Array<{ zone: Zone; schedule: Schedule }>;
  /** The routes assigned in one UTC minute (hours and dates have minute resolution). */
  private assigned: AssignedRoutes | null = null;

  constructor(
    private readonly config: DetectConfig["route"],
    private readonly zonesConfig: DetectConfig["zones"],
    private readonly zones: ZoneIndex,
    private readonly timeZone: string,
  ) {
    // Chosen once, not per fix: with thousands of zones a scan per fix cost more than all the
    // other detectors together (benchmark row 3).
    const ids = config.routeIds;
    this.candidates = zones.zones
      .filter((zone) => zone.kind === "route" && (ids.length === 0 || ids.includes(zone.id)))
      .map((zone) => ({ zone, schedule: compileSchedule(zone) }));
    this.scheduled = this.candidates.filter(({ zone }) => !alwaysActive(zone));
  }

  /** When the open deviation began, for a trip's time off route; null when on route. */
  get deviationSinceMs(): number | null {
    return this.deviating ? this.offSinceMs : null;
  }

  offer(point: TrackPoint, continuous: boolean): AgentEvent | null {
    const previous = continuous ? this.last : null;
    this.last = point;
    const routes = this.assignedRoutes(point.atMs);
    if (routes.list.length === 0 && !this.deviating) {
      this.offSinceMs = null;
      return null;
    }

    if (!continuous) this.returnSinceMs = null;
    if (this.deviating) return this.judgeReturn(point, previous, routes);
    return this.judgeDeviation(point, previous, routes);
  }

  snapshot(): RouteSnapshot {
    return {
      deviating: this.deviating,
      offSinceMs: this.offSinceMs,
      offAt: this.offAt,
      offDistanceM: this.offDistanceM,
    };
  }

  restore(snapshot: RouteSnapshot): void {
    if (!snapshot.deviating) return;
    this.deviating = true;
    this.offSinceMs = snapshot.offSinceMs;
    this.offAt = snapshot.offAt;
    this.offDistanceM = snapshot.offDistanceM;
  }

  private judgeDeviation(point: TrackPoint, previous: TrackPoint | null, routes: AssignedRoutes): AgentEvent | null {
    if (this.permitted(point, routes, this.zonesConfig.hysteresisM)) {
      this.offSinceMs = null;
      return null;
    }
    if (this.offSinceMs === null || previous === null) {
      this.offSinceMs = point.atMs;
      this.offAt = { lat: point.lat, lon: point.lon };
      this.offDistanceM = 0;
      this.maxFromRouteM = 0;
    } else {
      this.offDistanceM += distanceM(previous, point);
    }
    const fromRouteM = this.distanceFromRoutesM(point, routes);
    if (fromRouteM !== null) this.maxFromRouteM = Math.max(this.maxFromRouteM, fromRouteM);

    const offMs = point.atMs - this.offSinceMs;
    if (offMs < this.config.deviationS * 1000 || this.offDistanceM < this.config.deviationM) return null;

    this.deviating = true;
    return {
      type: "route_deviation",
      severity: "alarm",
      startedAt: iso(this.offSinceMs),
      lat: roundDeg(this.offAt!.lat),
      lon: roundDeg(this.offAt!.lon),
      details: {
        routeIds: routes.list.map((route) => route.id),
        offRouteS: round1(offMs / 1000),
        offRouteDistanceM: round1(this.offDistanceM),
        distanceFromRouteM: fromRouteM === null ? null : round1(fromRouteM),
      },
    };
  }

  private judgeReturn(point: TrackPoint, previous: TrackPoint | null, routes: AssignedRoutes): AgentEvent | null {
    if (previous !== null && this.returnSinceMs === null) this.offDistanceM += distanceM(previous, point);
    const fromRouteM = this.distanceFromRoutesM(point, routes);
    if (fromRouteM !== null) this.maxFromRouteM = Math.max(this.maxFromRouteM, fromRouteM);

    if (!this.permitted(point, routes, 0)) {
      this.returnSinceMs = null;
      return null;
    }
    this.returnSinceMs ??= point.atMs;
    if (point.atMs - this.returnSinceMs < this.zonesConfig.dwellS * 1000) return null;

    const event: AgentEvent = {
      type: "route_return",
      severity: "info",
      startedAt: iso(this.offSinceMs!),
      endedAt: iso(this.returnSinceMs),
      lat: roundDeg(point.lat),
      lon: roundDeg(point.lon),
      details: {
        offRouteS: round1((this.returnSinceMs - this.offSinceMs!) / 1000),
        offRouteDistanceM: round1(this.offDistanceM),
        maxDistanceFromRouteM: round1(this.maxFromRouteM),
      },
    };
    this.deviating = false;
    this.offSinceMs = null;
    this.returnSinceMs = null;
    return event;
  }

  /** The routes the truck must keep to at `atMs`. */
  private assignedRoutes(atMs: number): AssignedRoutes {
    // Time zones are whole minutes off UTC, so a UTC minute is one local minute.
    const minute = Math.floor(atMs / MINUTE_MS);
    if (this.assigned?.minute === minute) return this.assigned;

    const local = localTime(atMs, this.timeZone);
    const scheduledActive = this.scheduled.map((route) => route.schedule.isActive(local));
    // The same routes as the minute before (nearly always): the list and set are kept. With
    // thousands of routes, rebuilding them every minute was a third of a fix's cost (row 3).
    const previous = this.assigned;
    if (previous !== null && sameFlags(previous.scheduledActive, scheduledActive)) {
      this.assigned = { ...previous, minute };
      return this.assigned;
    }
    const list = this.candidates.filter((route) => route.schedule.isActive(local)).map((route) => route.zone);
    this.assigned = { minute, list, ids: new Set(list.map((route) => route.id)), scheduledActive };
    return this.assigned;
  }

  private permitted(point: TrackPoint, routes: AssignedRoutes, marginM: number): boolean {
    const ids = routes.ids;
    return this.zones
      .containing(point.lon, point.lat, point.atMs, marginM)
      .some(
        (hit) =>
          ids.has(hit.zone.id) || hit.zone.kind === "loading_site" || hit.zone.kind === "disposal_site",
      );
  }

  /** Metres beyond the nearest assigned corridor; null when the nearest route is not an assigned one. */
  private distanceFromRoutesM(point: TrackPoint, routes: AssignedRoutes): number | null {
    const nearest = this.zones.nearest(point.lon, point.lat, "route", point.atMs);
    if (nearest === null || !routes.ids.has(nearest.zone.id)) return null;
    return nearest.distanceM;
  }
}

/** A zone without hours or validity dates: compileSchedule's isActive is true at every minute. */
function alwaysActive(zone: Zone): boolean {
  return zone.activeHours === undefined && zone.validFrom === undefined && zone.validTo === undefined;
}

function sameFlags(a: boolean[], b: boolean[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
