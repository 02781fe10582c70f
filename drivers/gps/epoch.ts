/**
 * Assembles one fix per receiver epoch from the observations of its sentences.
 *
 * What closes an epoch:
 *   - a sentence whose time of day differs from the open epoch's (RMC, GGA, GNS, GLL, ZDA all
 *     carry one; an empty time is its own key, so no-time sentences never merge with timed ones);
 *   - the caller's `close()`: at the end of a capture, or when the serial driver sees the line
 *     go quiet for `gps.epochIdleMs` after a burst (so a live fix is not held until the next
 *     second's first sentence).
 * VTG and GSA carry no time: they join the open epoch, or the next one when none is open.
 *
 * Which sentence wins when they disagree:
 *   - position: GGA, then GNS, then GLL, then RMC; within a type the combined-solution talker
 *     GN, then GP, then single constellations. RMC last because a receiver that stamps its RMC
 *     one second late (B&G Zeus: the RMC of 09:47:37 carries the 09:47:36 position) still
 *     stamps its GGA and GLL right; GGA first because it carries the quality the position is
 *     judged by;
 *   - satellites: the GN sentence's count when there is one (it counts the whole solution);
 *     otherwise the largest count, because per-constellation talkers (GPGGA 5, GAGGA 1) each
 *     count only their own;
 *   - HDOP, altitude, geoid separation: from the GGA/GNS that won the satellites; HDOP from
 *     GSA only when no GGA/GNS gave one;
 *   - speed: knots from RMC, else VTG, converted once (× 1.852); VTG km/h only without knots;
 *     course: RMC, else VTG;
 *   - date: RMC, else ZDA; epochs without one take the last date seen, rolled over at midnight.
 *     Never the gateway clock.
 *   - validity: any RMC/GLL status V, GGA quality 0 or GNS mode N voids the epoch, except a
 *     single-constellation talker (GA, GL, GB, BD, QZ, GI) when another sentence has a fix;
 *     GSA voids it only when every GSA of the epoch says "no fix", since NMEA 4.1 receivers send
 *     one GSA per constellation and one with no satellites in view says 1. An invalid epoch has
 *     lat, lon, speed, course and altitude null: no fix is never a position.
 */
import type { Fix, FixQuality } from "../../agent/contracts.js";
import { isoTime } from "../../agent/iso-time.js";
import type { Observation, UsedType } from "./observation.js";

const KNOTS_TO_KMH = 1.852;
const DAY_MS = 86_400_000;
const HALF_DAY_MS = DAY_MS / 2;

const POSITION_RANK: Partial<Record<UsedType, number>> = { GGA: 0, GNS: 1, GLL: 2, RMC: 3 };
const SINGLE_CONSTELLATION = new Set(["GA", "GL", "GB", "BD", "QZ", "GI", "GQ"]);

interface OpenEpoch {
  key: number | null;
  observations: Observation[];
}

export class EpochAssembler {
  private open: OpenEpoch | null = null;
  private pending: Observation[] = [];
  private dateAnchor: { dateMs: number; timeOfDayMs: number } | null = null;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Adds one sentence's observation; returns the fix of the epoch it closed, if any. */
  add(o: Observation): Fix | null {
    if (o.timeOfDayMs === undefined) {
      (this.open?.observations ?? this.pending).push(o);
      return null;
    }

    if (this.open !== null && this.open.key === o.timeOfDayMs) {
      this.open.observations.push(o);
      return null;
    }

    const closed = this.close();
    this.open = { key: o.timeOfDayMs, observations: [...this.pending, o] };
    this.pending = [];
    return closed;
  }

  /** Closes the open epoch (end of input, or the line went quiet). */
  close(): Fix | null {
    const epoch = this.open;
    this.open = null;
    return epoch === null ? null : this.build(epoch);
  }

  get hasOpenEpoch(): boolean {
    return this.open !== null;
  }

  private build(epoch: OpenEpoch): Fix {
    const obs = epoch.observations;
    const position = best(obs, hasPosition, positionRank);
    const solution = pickSolution(obs);
    const valid = position !== undefined && isValid(obs);
    const speed = pickSpeed(obs);
    const time = this.timeOf(epoch.key, obs);

    return {
      time,
      timeOfDay: epoch.key === null ? null : timeOfDayOf(time, epoch.key),
      lat: valid ? position!.lat : null,
      lon: valid ? position!.lon : null,
      speedKmh: valid ? speed : null,
      courseDeg: valid ? pickCourse(obs) : null,
      altM: valid ? (solution?.altM ?? null) : null,
      geoidSepM: valid ? (solution?.geoidSepM ?? null) : null,
      hdop: solution?.hdop ?? obs.find((o) => o.type === "GSA" && o.hdop !== null)?.hdop ?? null,
      sats: pickSats(obs),
      quality: valid ? pickQuality(position!, solution) : "none",
      mode: pickMode(obs),
      valid,
      receivedAtMs: this.clock(),
      receivedMonoMs: performance.now(),
      sources: sourcesOf(obs),
    };
  }

  private timeOf(key: number | null, obs: Observation[]): string | null {
    if (key === null) return null;

    const dated = obs.find((o) => o.type === "RMC" && o.dateMs !== null) ?? obs.find((o) => o.dateMs !== null);
    let dateMs: number;
    if (dated?.dateMs != null) {
      dateMs = dated.dateMs;
    } else if (this.dateAnchor !== null) {
      // Past midnight since the last date: the time of day went back by more than half a day.
      const rolled = key < this.dateAnchor.timeOfDayMs - HALF_DAY_MS;
      dateMs = this.dateAnchor.dateMs + (rolled ? DAY_MS : 0);
    } else {
      return null;
    }

    this.dateAnchor = { dateMs, timeOfDayMs: key };
    return isoTime(dateMs + key);
  }
}

function talkerRank(o: Observation): number {
  return o.talker === "GN" ? 0 : o.talker === "GP" ? 1 : 2;
}

function positionRank(o: Observation): number {
  return (POSITION_RANK[o.type] ?? 9) * 10 + talkerRank(o);
}

/*
 * The picks below run once per epoch, ten times a second: each is a loop over the epoch's
 * observations rather than a chain of filters, whose arrays were a tenth of the GPS driver's
 * allocations (benchmark row 2). Same answers: the first of the lowest rank wins.
 */

function hasPosition(o: Observation): boolean {
  return o.lat !== null;
}

/** The first observation with the lowest rank among those `keep` accepts. */
function best(
  obs: Observation[],
  keep: (o: Observation) => boolean,
  rank: (o: Observation) => number,
): Observation | undefined {
  let winner: Observation | undefined;
  for (const o of obs) if (keep(o) && (winner === undefined || rank(o) < rank(winner))) winner = o;
  return winner;
}

function isValid(obs: Observation[]): boolean {
  let anyValid = false;
  let anyVoiding = false;
  let gsaCount = 0;
  let gsaValid = false;
  for (const o of obs) {
    if (o.fixValid === undefined) continue;
    if (o.type === "GSA") {
      gsaCount++;
      gsaValid ||= o.fixValid;
    } else if (o.type !== "VTG") {
      anyValid ||= o.fixValid;
      anyVoiding ||= !o.fixValid && !SINGLE_CONSTELLATION.has(o.talker);
    }
  }
  if (!anyValid || anyVoiding) return false;
  return gsaCount === 0 || gsaValid;
}

function isSolutionType(o: Observation): boolean {
  return o.type === "GGA" || o.type === "GNS";
}

/** The GGA/GNS whose satellites, HDOP and altitude describe the solution. */
function pickSolution(obs: Observation[]): Observation | undefined {
  // A no-fix GGA still tells the HDOP and satellites the receiver sees: kept, but last in line.
  const anyWithFix = obs.some((o) => isSolutionType(o) && o.fixValid !== false);
  const isSolution = (o: Observation) => isSolutionType(o) && (!anyWithFix || o.fixValid !== false);
  const combined = best(obs, (o) => isSolution(o) && o.talker === "GN", positionRank);
  if (combined !== undefined) return combined;

  return best(obs, isSolution, (o) => -(o.sats ?? -1) * 100 + positionRank(o));
}

function pickSats(obs: Observation[]): number | null {
  let most: number | null = null;
  for (const o of obs) {
    if (!isSolutionType(o) || o.sats === null) continue;
    if (o.talker === "GN") return o.sats;
    most = most === null ? o.sats : Math.max(most, o.sats);
  }
  return most;
}

function pickSpeed(obs: Observation[]): number | null {
  const knots = best(obs, (o) => o.speedKnots !== null, speedRank);
  if (knots !== undefined) return knots.speedKnots! * KNOTS_TO_KMH;

  return obs.find((o) => o.type === "VTG" && o.speedKmh !== null)?.speedKmh ?? null;
}

function pickCourse(obs: Observation[]): number | null {
  return best(obs, (o) => o.courseDeg !== null, speedRank)?.courseDeg ?? null;
}

function speedRank(o: Observation): number {
  return (o.type === "RMC" ? 0 : 1) * 10 + talkerRank(o);
}

function pickQuality(position: Observation, solution: Observation | undefined): FixQuality {
  return solution?.quality ?? position.quality ?? "gps";
}

function pickMode(obs: Observation[]): 2 | 3 | null {
  let mode: 2 | 3 | null = null;
  for (const o of obs) if (o.gsaMode === 3 || (o.gsaMode === 2 && mode === null)) mode = o.gsaMode;
  return mode;
}

/** Talker and type of each sentence of the epoch, once each, in order of arrival. */
function sourcesOf(obs: Observation[]): string[] {
  const sources: string[] = [];
  for (const o of obs) {
    const source = o.talker + o.type;
    if (!sources.includes(source)) sources.push(source);
  }
  return sources;
}

/**
 * hh:mm:ss.sss of the epoch: cut from its ISO time when it has one (dates are UTC midnights, so
 * the clock part is the time of day), which spares a second Date and ISO string per fix.
 */
function timeOfDayOf(time: string | null, key: number): string {
  return time !== null && time.length === 24 ? time.slice(11, 23) : formatTimeOfDay(key);
}

function formatTimeOfDay(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
