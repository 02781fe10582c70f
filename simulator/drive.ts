/**
 * A generated drive: the simulated truck's state at every receiver epoch along a route, and the
 * NMEA sentences a receiver would send for it. Pure functions, no I/O and no clock, so the tests
 * read the drive without a terminal and the player only has to pace it.
 *
 * The truck moves at the speed profile's speed, changing speed in a step (the fix then says
 * exactly the profiled speed, which is what the tests check). It stands still for each stop's
 * duration when it reaches the stop, and stands one epoch at the end of the route to say it has
 * arrived. With `loop`, the next lap starts at the route's beginning on the next epoch, with the
 * speed profile restarted; a round-trip route makes that seamless.
 */
import { MuckError } from "../agent/errors.js";
import type { Route } from "./route.js";

/**
 * One stretch of the speed profile. `untilS` holds the speed until the lap has lasted that many
 * seconds (stops included); `distanceM` holds it for that many metres of road from where the
 * stretch began. The last stretch needs neither: its speed holds to the end of the route.
 */
export type SpeedStretch =
  | { untilS: number; speedKmh: number }
  | { distanceM: number; speedKmh: number }
  | { speedKmh: number };

/** Standing still for `durationS` once the truck reaches `atM` metres along the route. */
export interface DriveStop {
  atM: number;
  durationS: number;
}

export interface DrivePlan {
  route: Route;
  /** A constant speed in km/h, or stretches in order. */
  speed: number | SpeedStretch[];
  stops?: DriveStop[];
  /** Receiver epochs per second; default 1. */
  rateHz?: number;
  /** UTC of the first epoch, epoch ms; default now, truncated to the whole second. */
  startTimeMs?: number;
  /** Drive the route again and again; default false. */
  loop?: boolean;
}

/** The truck at one epoch. */
export interface DriveEpoch {
  /** Epochs since the drive began, from 0. */
  index: number;
  /** Seconds since the drive began, simulated time. */
  elapsedS: number;
  /** UTC, epoch ms. */
  timeMs: number;
  lon: number;
  lat: number;
  /** Metres along the route in the current lap. */
  distanceM: number;
  speedKmh: number;
  courseDeg: number;
  stopped: boolean;
  /** 0 for the first time along the route, then 1, 2, … with `loop`. */
  lap: number;
}

export function* driveEpochs(plan: DrivePlan): Generator<DriveEpoch> {
  const rateHz = plan.rateHz ?? 1;
  const startTimeMs = plan.startTimeMs ?? Math.floor(Date.now() / 1000) * 1000;
  const stretches = normalizeSpeed(plan.speed);
  const stops = normalizeStops(plan.stops ?? [], plan.route.lengthM);
  validateRate(rateHz);

  let index = 0;
  for (let lap = 0; ; lap++) {
    for (const state of lapStates(plan.route, stretches, stops, rateHz)) {
      const elapsedS = index / rateHz;
      const [lon, lat] = plan.route.pointAt(state.distanceM);
      const courseDeg = plan.route.courseAt(state.distanceM);
      const timeMs = startTimeMs + elapsedS * 1000;
      yield { index, elapsedS, timeMs, lon, lat, courseDeg, lap, ...state };
      index++;
    }
    if (plan.loop !== true) return;
  }
}

interface LapState {
  distanceM: number;
  speedKmh: number;
  stopped: boolean;
}

function* lapStates(
  route: Route,
  stretches: SpeedStretch[],
  stops: DriveStop[],
  rateHz: number,
): Generator<LapState> {
  const speeds = new SpeedTrack(stretches);
  let distanceM = 0;
  let nextStop = 0;
  let standEpochs = 0;

  // Stops at the start (loading) begin before the first epoch.
  while (nextStop < stops.length && stops[nextStop]!.atM <= 0) {
    standEpochs += epochsFor(stops[nextStop]!.durationS, rateHz);
    nextStop++;
  }

  for (let lapEpoch = 0; ; lapEpoch++) {
    if (standEpochs > 0) {
      yield { distanceM, speedKmh: 0, stopped: true };
      standEpochs--;
      if (standEpochs === 0 && distanceM >= route.lengthM) return;
      continue;
    }

    const speedKmh = speeds.at(lapEpoch / rateHz, distanceM);
    yield { distanceM, speedKmh, stopped: false };

    const reachedM = distanceM + speedKmh / 3.6 / rateHz;
    const stopM = stops[nextStop]?.atM ?? Infinity;
    if (stopM <= reachedM) {
      distanceM = Math.max(stopM, distanceM);
      while (nextStop < stops.length && stops[nextStop]!.atM === stopM) {
        standEpochs += epochsFor(stops[nextStop]!.durationS, rateHz);
        nextStop++;
      }
    } else if (reachedM >= route.lengthM) {
      distanceM = route.lengthM;
      standEpochs = 1;
    } else {
      distanceM = reachedM;
    }
  }
}

/** Which stretch of the profile the truck is on; stretches only ever end, never come back. */
class SpeedTrack {
  private index = 0;
  private stretchStartM = 0;

  constructor(private readonly stretches: SpeedStretch[]) {}

  at(lapS: number, distanceM: number): number {
    for (;;) {
      const stretch = this.stretches[this.index]!;
      const last = this.index === this.stretches.length - 1;
      if (last || !this.ended(stretch, lapS, distanceM)) return stretch.speedKmh;

      this.stretchStartM = "distanceM" in stretch ? this.stretchStartM + stretch.distanceM : distanceM;
      this.index++;
    }
  }

  private ended(stretch: SpeedStretch, lapS: number, distanceM: number): boolean {
    if ("untilS" in stretch) return lapS >= stretch.untilS;
    if ("distanceM" in stretch) return distanceM - this.stretchStartM >= stretch.distanceM;
    return false;
  }
}

function epochsFor(durationS: number, rateHz: number): number {
  return Math.max(1, Math.round(durationS * rateHz));
}

function normalizeSpeed(speed: number | SpeedStretch[]): SpeedStretch[] {
  const stretches = typeof speed === "number" ? [{ speedKmh: speed }] : speed;
  if (stretches.length === 0) throw new MuckError("USAGE", "speed profile is empty");

  for (const [index, stretch] of stretches.entries()) {
    if (!(stretch.speedKmh >= 0) || !Number.isFinite(stretch.speedKmh)) {
      const message = `speed profile stretch ${index}: speedKmh must be ≥ 0, got ${stretch.speedKmh}`;
      throw new MuckError("USAGE", message);
    }
  }
  // A last stretch at 0 km/h never reaches the end of the route: the drive would never end.
  if (stretches.at(-1)!.speedKmh <= 0) {
    throw new MuckError("USAGE", "speed profile: the last stretch must be faster than 0 km/h");
  }
  return stretches;
}

function normalizeStops(stops: DriveStop[], lengthM: number): DriveStop[] {
  for (const [index, stop] of stops.entries()) {
    if (!(stop.durationS > 0) || !(stop.atM >= 0)) {
      const message = `stop ${index}: needs atM ≥ 0 and durationS > 0, got ${JSON.stringify(stop)}`;
      throw new MuckError("USAGE", message);
    }
  }
  // A stop past the end of the road is a stop at the end (unloading where the route ends).
  return stops
    .map((stop) => ({ atM: Math.min(stop.atM, lengthM), durationS: stop.durationS }))
    .sort((a, b) => a.atM - b.atM);
}

function validateRate(rateHz: number): void {
  if (!(rateHz > 0 && rateHz <= 20)) {
    throw new MuckError("USAGE", `rateHz must be in (0, 20], got ${rateHz}`);
  }
}
