/**
 * Trips: load → transport → unload as one `trip` record, the electronic manifest regulators
 * reconcile across construction sites, haulage and disposal sites. A trip opens at a load (or an
 * unauthorized one), grows with every fix (distance, top speed), collects the record ids of the
 * violations raised during it and the time spent off route, and closes at the unload, wherever
 * it happened (the destination is then a disposal site, the origin again, or none).
 * A second load before any unload (topping up at another pit) adds to the same trip.
 */
import { distanceM, round1 } from "./geo.js";
import { iso, type TrackPoint } from "./track-point.js";

export interface TripIdentity {
  truckId: string;
  plate: string | null;
  permitId: string | null;
}

interface OpenTrip {
  startedAtMs: number;
  originSiteId: string | null;
  loadedKg: number;
  distanceM: number;
  maxSpeedKmh: number;
  offRouteMs: number;
  violationIds: string[];
  last: TrackPoint | null;
}

export type TripSnapshot = Omit<OpenTrip, "last">;

export class TripBuilder {
  private trip: OpenTrip | null = null;

  constructor(private readonly identity: TripIdentity) {}

  get isOpen(): boolean {
    return this.trip !== null;
  }

  load(atMs: number, originSiteId: string | null, netKg: number): void {
    if (this.trip !== null) {
      this.trip.loadedKg += netKg;
      return;
    }
    this.trip = {
      startedAtMs: atMs,
      originSiteId,
      loadedKg: netKg,
      distanceM: 0,
      maxSpeedKmh: 0,
      offRouteMs: 0,
      violationIds: [],
      last: null,
    };
  }

  /** A gated fix; `continuous` false after a loss of fix (the gap's distance is still the truck's). */
  point(point: TrackPoint): void {
    const trip = this.trip;
    if (trip === null) return;
    if (trip.last !== null) trip.distanceM += distanceM(trip.last, point);
    trip.maxSpeedKmh = Math.max(trip.maxSpeedKmh, point.speedKmh);
    trip.last = point;
  }

  violation(recordId: string): void {
    this.trip?.violationIds.push(recordId);
  }

  /** A route deviation of `ms` ended (or is cut at the trip's end). */
  offRoute(ms: number): void {
    if (this.trip !== null) this.trip.offRouteMs += ms;
  }

  /** Closes the trip; null when none was open (unloading what was loaded before the agent ran). */
  unload(
    endType: string,
    atMs: number,
    destinationSiteId: string | null,
    unloadedKg: number,
    openDeviationSinceMs: number | null,
  ): Record<string, unknown> | null {
    const trip = this.trip;
    if (trip === null) return null;
    this.trip = null;

    const openOffRouteMs =
      openDeviationSinceMs === null ? 0 : atMs - Math.max(openDeviationSinceMs, trip.startedAtMs);
    return {
      truckId: this.identity.truckId,
      plate: this.identity.plate,
      permitId: this.identity.permitId,
      originSiteId: trip.originSiteId,
      destinationSiteId,
      endType,
      loadedKg: Math.round(trip.loadedKg),
      unloadedKg: Math.round(unloadedKg),
      startedAt: iso(trip.startedAtMs),
      endedAt: iso(atMs),
      distanceM: round1(trip.distanceM),
      offRouteS: round1((trip.offRouteMs + openOffRouteMs) / 1000),
      maxSpeedKmh: round1(trip.maxSpeedKmh),
      violationIds: trip.violationIds,
    };
  }

  snapshot(): TripSnapshot | null {
    if (this.trip === null) return null;
    const { last: _last, ...rest } = this.trip;
    return rest;
  }

  restore(snapshot: TripSnapshot): void {
    this.trip = { ...snapshot, violationIds: [...snapshot.violationIds], last: null };
  }
}
