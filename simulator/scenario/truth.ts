/**
 * Ground truth: what really happened in a scenario, judged by the scenario's rules against the
 * real map — from the true positions, speeds, weights and switches, never from the bytes the
 * devices sent (faults hide the truth from the agent, not from the judge).
 *
 * One truth event per thing the agent should report: each load and unload by where it
 * happened (load / unauthorized_load, unload / unload_at_origin / illegal_dump), each spill,
 * each overspeed episode, each stretch off the approved routes, each no-go entry, each minute
 * overloaded, uncovered or outside the permit hours.
 */
import { localTime, minuteSpan, withinSpan } from "../../config/zones/local-time.js";
import type { Tick, Timeline, WeightChange } from "./generate.js";
import type { MapQuery } from "./map-query.js";
import type { Rules, Scenario } from "./schema.js";

export interface TruthEvent {
  type: string;
  /** Seconds from the scenario's start: when it began, and when it was over. */
  startS: number;
  endS: number;
  /** When the agent could first know it: a load once it is complete, an episode once it began. */
  dueS: number;
  lat: number;
  lon: number;
  details: Record<string, unknown>;
}

export function groundTruth(scenario: Scenario, timeline: Timeline, map: MapQuery): TruthEvent[] {
  const { rules, truck } = scenario;
  const ticks = timeline.ticks;
  const loaded = (t: Tick) => t.truth.weightKg !== null && t.truth.weightKg >= truck.emptyKg + rules.loadedMinKg;
  const moving = (t: Tick) => t.truth.speedKmh > rules.movingKmh;

  const events = [
    ...timeline.changes.flatMap((change) => weightEvent(change, ticks, map, rules, scenario.inputs?.bodyLift !== undefined)),
    ...overspeeds(ticks, map, rules),
    ...(map.has("route") ? deviations(ticks, map, rules) : []),
    ...runs(ticks, (t) => map.noGoAt(t.truth.lonLat) !== null, rules.noGoDwellS).map((run) =>
      at("no_go_entry", run, ticks, { zoneId: map.noGoAt(ticks[run[0]]!.truth.lonLat) }),
    ),
  ];

  const maxKg = truck.maxWeightKg;
  if (maxKg !== undefined) {
    const over = runs(ticks, (t) => (t.truth.weightKg ?? 0) > maxKg, rules.overloadS);
    events.push(...over.map((run) => at("overload", run, ticks, { maxWeightKg: maxKg })));
  }
  if (scenario.inputs?.cover !== undefined) {
    const open = runs(ticks, (t) => t.truth.inputs.cover === false && loaded(t) && moving(t), rules.uncoveredS);
    events.push(...open.map((run) => at("uncovered_transport", run, ticks, {})));
  }
  if (truck.permitHours.length > 0) {
    const spans = truck.permitHours.map((hours) => minuteSpan(hours));
    const outside = (t: Tick) => {
      const minute = localTime(timeline.startMs + t.s * 1000, rules.timeZone).minuteOfDay;
      return loaded(t) && moving(t) && !spans.some((span) => withinSpan(minute, span));
    };
    events.push(...runs(ticks, outside, rules.outsideHoursS).map((run) => at("outside_hours", run, ticks, {})));
  }
  return events.sort((a, b) => a.startS - b.startS);
}

type Run = [first: number, end: number];

/** Index ranges [first, end) where `holds` is true for at least `minS` seconds in a row. */
function runs(ticks: Tick[], holds: (t: Tick) => boolean, minS: number): Run[] {
  const out: Run[] = [];
  let first = -1;
  for (let i = 0; i <= ticks.length; i++) {
    const on = i < ticks.length && holds(ticks[i]!);
    if (on && first < 0) first = i;
    if (!on && first >= 0) {
      if (i - first >= minS) out.push([first, i]);
      first = -1;
    }
  }
  return out;
}

function at(type: string, [first, end]: Run, ticks: Tick[], details: Record<string, unknown>): TruthEvent {
  const [lon, lat] = ticks[first]!.truth.lonLat;
  const startS = ticks[first]!.s;
  return { type, startS, endS: ticks[end - 1]!.s + 1, dueS: startS, lat, lon, details };
}

function weightEvent(change: WeightChange, ticks: Tick[], map: MapQuery, rules: Rules, liftFitted: boolean): TruthEvent[] {
  const amountKg = change.toKg - change.fromKg;
  const tick = ticks.find((t) => t.s >= change.startS) ?? ticks.at(-1)!;
  const [lon, lat] = tick.truth.lonLat;
  const base = { startS: change.startS, endS: change.endS, dueS: change.endS, lat, lon };

  if (change.kind === "spill") {
    return -amountKg >= rules.spillMinKg ? [{ type: "spill", ...base, details: { amountKg: -amountKg } }] : [];
  }
  if (Math.abs(amountKg) < rules.loadMinKg) return [];
  // With a body-lift switch fitted, nothing is tipped with the body down: a reading that falls
  // then is the scale's fault, not an unload.
  if (amountKg < 0 && liftFitted && !change.bodyLift) return [];

  const site = map.siteAt(tick.truth.lonLat, rules.siteMarginM);
  const details = { amountKg: Math.abs(amountKg), siteId: site?.id ?? null };
  if (amountKg > 0) {
    const type = !map.has("loading_site") || site?.kind === "loading_site" ? "load" : "unauthorized_load";
    return [{ type, ...base, details }];
  }
  const type = !map.has("disposal_site")
    ? "unload"
    : site?.kind === "disposal_site"
      ? "unload"
      : site?.kind === "loading_site"
        ? "unload_at_origin"
        : "illegal_dump";
  return [{ type, ...base, details }];
}

/** Episodes above limit + tolerance for overspeedS, ended by clearS at or below limit − hysteresis. */
function overspeeds(ticks: Tick[], map: MapQuery, rules: Rules): TruthEvent[] {
  const out: TruthEvent[] = [];
  let above = 0;
  let below = 0;
  let open: Episode | null = null;

  for (const [i, tick] of ticks.entries()) {
    const limitKmh = map.limitKmh(tick.truth.lonLat, rules.defaultLimitKmh);
    const speed = tick.truth.speedKmh;
    above = speed > limitKmh + rules.toleranceKmh ? above + 1 : 0;
    below = speed <= limitKmh - rules.hysteresisKmh ? below + 1 : 0;

    if (open === null && above >= Math.max(1, rules.overspeedS)) {
      open = { first: i - above + 1, limitKmh, maxKmh: speed };
    } else if (open !== null) {
      open.maxKmh = Math.max(open.maxKmh, speed);
      if (below >= rules.clearS) {
        out.push(at("overspeed", [open.first, i - below + 1], ticks, { limitKmh: open.limitKmh, maxSpeedKmh: open.maxKmh }));
        open = null;
      }
    }
  }
  if (open !== null) {
    out.push(at("overspeed", [open.first, ticks.length], ticks, { limitKmh: open.limitKmh, maxSpeedKmh: open.maxKmh }));
  }
  return out;
}

interface Episode {
  first: number;
  limitKmh: number;
  maxKmh: number;
}

/** Off every route corridor and site for deviationS while driving at least deviationM. */
function deviations(ticks: Tick[], map: MapQuery, rules: Rules): TruthEvent[] {
  const off = runs(ticks, (t) => !map.onRoute(t.truth.lonLat), rules.deviationS);
  return off
    .filter(([first, end]) => distanceM(ticks.slice(first, end)) >= rules.deviationM)
    .map((run) => at("route_deviation", run, ticks, { offRouteS: run[1] - run[0] }));
}

function distanceM(ticks: Tick[]): number {
  let total = 0;
  for (let i = 1; i < ticks.length; i++) {
    const [a, b] = [ticks[i - 1]!.truth.at, ticks[i]!.truth.at];
    total += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return total;
}
