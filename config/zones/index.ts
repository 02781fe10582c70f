/**
 * The zone index the detectors query once per fix. A static R-tree (flatbush) over each zone's
 * box narrows thousands of zones to the few near the truck; only those get the exact geometry
 * test and the schedule check. The index is built once per zone file and then only read.
 *
 * Results come in zone file order, so equal answers are stable from fix to fix.
 */
import Flatbush from "flatbush";
import { isKnownTimeZone, localTime, type LocalTime } from "./local-time.js";
import { degreesAround } from "./metric.js";
import { compileSchedule, type Schedule } from "./schedule.js";
import { compileShape, type Bbox, type Placement, type ZoneShape } from "./shapes.js";
import type { Zone, ZoneHit, ZoneIndex } from "./zone.js";

export interface ZoneIndexOptions {
  /** IANA time zone of the zones' hours and dates. */
  timeZone: string;
}

interface Entry {
  zone: Zone;
  shape: ZoneShape;
  schedule: Schedule;
}

interface Placed {
  entry: Entry;
  placement: Placement;
}

type SpeedLimit = NonNullable<ReturnType<ZoneIndex["speedLimitAt"]>>;

// nearest() widens its search from here; 500 m covers a site gate from the road outside it.
const NEAREST_START_M = 500;
// Half the Earth's circumference: a search this wide has seen every zone.
const NEAREST_MAX_M = 20_040_000;

export function buildZoneIndex(zones: readonly Zone[], options: ZoneIndexOptions): ZoneIndex {
  if (!isKnownTimeZone(options.timeZone)) {
    throw new TypeError(`zone index: timeZone must be an IANA time zone, found "${options.timeZone}"`);
  }
  const entries: Entry[] = zones.map((zone) => ({
    zone,
    shape: compileShape(zone),
    schedule: compileSchedule(zone),
  }));
  const tree = buildTree(entries.map((entry) => entry.shape.bbox));
  const localAt = localTimeByMinute(options.timeZone);
  const lastNearestM = new Map<string, number>();

  const candidates = (lon: number, lat: number, radiusM: number): Entry[] => {
    if (tree === null) return [];
    const { dLon, dLat } = degreesAround(radiusM, lat);
    const found = tree.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
    // Loops, no closures per query: per candidate is what grows with the zone count (row 3).
    found.sort(ascending);
    const result = new Array<Entry>(found.length);
    for (let i = 0; i < found.length; i++) result[i] = entries[found[i]!]!;
    return result;
  };

  const placed = (lon: number, lat: number, local: LocalTime, marginM: number): Placed[] => {
    const result: Placed[] = [];
    for (const entry of candidates(lon, lat, marginM)) {
      if (!entry.schedule.isActive(local)) continue;
      const placement = entry.shape.place(lon, lat);
      if (placement.distanceM <= marginM) result.push({ entry, placement });
    }
    return result;
  };

  return {
    zones,

    containing(lon, lat, atMs, marginM = 0) {
      const found = placed(lon, lat, localAt(atMs), marginM);
      return found.map(({ entry, placement }) => ({ zone: entry.zone, ...placement }));
    },

    nearest(lon, lat, kind, atMs) {
      const local = localAt(atMs);
      const wanted = (entry: Entry) => entry.zone.kind === kind && entry.schedule.isActive(local);
      // The truck moves a few metres between fixes, so the last answer's distance is where this
      // one's search should start: on a sparse map the search from 500 m took three widenings
      // per fix (benchmark row 2). Any start gives the same answer; the hint only saves passes.
      const hit = nearest(candidates, lon, lat, wanted, lastNearestM.get(kind) ?? NEAREST_START_M);
      lastNearestM.set(kind, hit === null ? NEAREST_MAX_M : Math.max(NEAREST_START_M, hit.distanceM * 1.25));
      return hit;
    },

    speedLimitAt(lon, lat, atMs) {
      const local = localAt(atMs);
      return lowestLimit(placed(lon, lat, local, 0), local);
    },
  };
}

/**
 * localTime() for the index's queries, kept for the UTC minute it was asked for: schedules have
 * minute resolution and time zones are whole minutes off UTC, while Intl's formatter cost more
 * than the rest of a fix's zone queries together (benchmark row 3).
 */
function localTimeByMinute(timeZone: string): (atMs: number) => LocalTime {
  let minute = Number.NaN;
  let local: LocalTime | null = null;
  return (atMs) => {
    const at = Math.floor(atMs / 60_000);
    if (at !== minute || local === null) {
      minute = at;
      local = localTime(atMs, timeZone);
    }
    return local;
  };
}

function ascending(a: number, b: number): number {
  return a - b;
}

function buildTree(boxes: Bbox[]): Flatbush | null {
  if (boxes.length === 0) return null;

  const tree = new Flatbush(boxes.length);
  for (const [minLon, minLat, maxLon, maxLat] of boxes) tree.add(minLon, minLat, maxLon, maxLat);
  tree.finish();
  return tree;
}

/**
 * Widen a square search until the best zone found is no farther than the square's half-size:
 * any zone nearer than that has its box inside the square, so nothing better can be outside.
 */
function nearest(
  candidates: (lon: number, lat: number, radiusM: number) => Entry[],
  lon: number,
  lat: number,
  wanted: (entry: Entry) => boolean,
  startM: number,
): ZoneHit | null {
  for (let radiusM = Math.min(startM, NEAREST_MAX_M); ; radiusM = Math.min(radiusM * 4, NEAREST_MAX_M)) {
    let best: ZoneHit | null = null;
    for (const entry of candidates(lon, lat, radiusM)) {
      if (!wanted(entry)) continue;
      const placement = entry.shape.place(lon, lat);
      if (best === null || placement.distanceM < best.distanceM) {
        best = { zone: entry.zone, ...placement };
      }
    }
    if (best !== null && (best.distanceM <= radiusM || radiusM >= NEAREST_MAX_M)) return best;
    if (radiusM >= NEAREST_MAX_M) return null;
  }
}

/** The lowest limit among the zones at the point; on a tie the first in file order. */
function lowestLimit(found: Placed[], local: LocalTime): SpeedLimit | null {
  let lowest: SpeedLimit | null = null;

  for (const { entry, placement } of found) {
    const limitKmh = entry.schedule.limitKmh(local, placement.segment);
    if (limitKmh === undefined || (lowest !== null && limitKmh >= lowest.limitKmh)) continue;

    lowest = { limitKmh, zoneId: entry.zone.id };
    if (placement.segment !== undefined) lowest.segment = placement.segment;
  }
  return lowest;
}
