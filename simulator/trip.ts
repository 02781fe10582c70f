/**
 * A muck truck's working loop as one drive and one scale profile: loaded at the construction
 * site, hauled to the disposal site, unloaded, and driven back empty along the same road. The
 * scale ramps up while the truck stands at the site and down while it stands at the disposal
 * site, so weight and position tell the same story as a real truck's records would.
 */
import { driveEpochs, type DrivePlan, type SpeedStretch } from "./drive.js";
import { Route, type LonLat } from "./route.js";
import { ScaleProfile } from "./scale-profile.js";

/**
 * The built-in route: about 5.6 km from People's Square in Shanghai south-east towards the
 * Huangpu, with four corners. Waypoints follow the street grid roughly; the agent only needs a
 * plausible track, not a road-snapped one.
 */
export const SHANGHAI_ROUTE: readonly LonLat[] = [
  [121.4737, 31.23041],
  [121.4805, 31.2309],
  [121.4812, 31.223],
  [121.495, 31.2185],
  [121.506, 31.21],
  [121.519, 31.2075],
];

export interface TripOptions {
  /** Standing time at the site: empty for its first third, loading in the second, loaded and still in the last. Default 45. */
  loadS?: number;
  /** Standing time at the disposal site: tipping in its first half, empty and still after. Default 30. */
  unloadS?: number;
  /** Load carried, kg. Default 12,340. */
  payloadKg?: number;
  /** Scale noise amplitude, kg. Default 20. */
  noiseKg?: number;
  rateHz?: number;
  startTimeMs?: number;
  /** Repeat the round trip; default false. */
  loop?: boolean;
}

export interface Trip {
  plan: DrivePlan;
  profile: ScaleProfile;
  /** Simulated seconds one round trip lasts, stops included. */
  lapS: number;
}

/** A round trip along `outbound` (the site is its first waypoint, the disposal site its last). */
export function muckTrip(outbound: Route, options: TripOptions = {}): Trip {
  const loadS = options.loadS ?? 45;
  const unloadS = options.unloadS ?? 30;
  const payloadKg = options.payloadKg ?? 12_340;
  const haulM = outbound.lengthM;

  const plan: DrivePlan = {
    route: outbound.roundTrip(),
    speed: tripSpeeds(haulM),
    stops: [
      { atM: 0, durationS: loadS },
      { atM: haulM, durationS: unloadS },
    ],
    rateHz: options.rateHz ?? 1,
    startTimeMs: options.startTimeMs,
    loop: options.loop ?? false,
  };

  const { lapS, unloadFromS } = lapTiming(plan, haulM);
  const profile = new ScaleProfile({
    points: [
      // Empty for a while first: the agent learns the empty weight before the excavator starts,
      // as on a truck whose agent has been running since the engine started.
      // Then the truck stands still, loaded, while the driver covers the load: the scale settles
      // and the agent sees a finished load before the truck drives off. Likewise after tipping.
      { atS: 0, weightKg: 0 },
      { atS: Math.max(1, Math.floor(loadS / 3)), weightKg: 0 },
      { atS: Math.max(2, Math.floor((2 * loadS) / 3)), weightKg: payloadKg },
      { atS: unloadFromS + 2, weightKg: payloadKg },
      { atS: unloadFromS + Math.max(3, Math.floor(unloadS / 2)), weightKg: 0 },
    ],
    noiseKg: options.noiseKg ?? 20,
    periodS: lapS,
  });

  return { plan, profile, lapS };
}

/**
 * Slow out of the site, 70 km/h on the arterial road, slower near the disposal site; the
 * empty truck comes back a little faster. Proportions of the haul, so any route gets them.
 */
function tripSpeeds(haulM: number): SpeedStretch[] {
  return [
    { distanceM: 0.15 * haulM, speedKmh: 30 },
    { distanceM: 0.5 * haulM, speedKmh: 70 },
    { distanceM: 0.35 * haulM, speedKmh: 40 },
    { distanceM: 0.2 * haulM, speedKmh: 45 },
    { distanceM: 0.6 * haulM, speedKmh: 60 },
    { speedKmh: 30 },
  ];
}

/** When the truck reaches the disposal site and how long a lap is, by running one lap. */
function lapTiming(plan: DrivePlan, haulM: number): { lapS: number; unloadFromS: number } {
  let unloadFromS = 0;
  let lapS = 0;
  const rateHz = plan.rateHz ?? 1;

  for (const epoch of driveEpochs({ ...plan, loop: false, startTimeMs: 0 })) {
    if (unloadFromS === 0 && epoch.stopped && epoch.distanceM >= haulM) unloadFromS = epoch.elapsedS;
    lapS = epoch.elapsedS + 1 / rateHz;
  }
  return { lapS, unloadFromS };
}
