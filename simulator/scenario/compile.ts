/**
 * A loaded scenario made ready to play: places and routes resolved, the seconds generated, the
 * ground truth judged. Both ways of running one start here — replay over files (the detection
 * tests) and a live run on ptys with a broker (`muck-agent scenario run`).
 */
import { generateTimeline, type Timeline } from "./generate.js";
import type { LoadedScenario } from "./load.js";
import { MapQuery } from "./map-query.js";
import { resolveScenario, type ResolvedScenario } from "./places.js";
import type { Scenario } from "./schema.js";
import { groundTruth, type TruthEvent } from "./truth.js";

export interface CompiledScenario {
  name: string;
  scenario: Scenario;
  resolved: ResolvedScenario;
  timeline: Timeline;
  truth: TruthEvent[];
  /** Seconds of truck time the scenario lasts. */
  durationS: number;
}

export async function compileScenario(loaded: LoadedScenario, seed?: number): Promise<CompiledScenario> {
  const { scenario } = loaded;
  const resolved = await resolveScenario(loaded);
  const map = new MapQuery(resolved.world);
  const limitKmh = (lonLat: [number, number]) => map.limitKmh(lonLat, scenario.rules.defaultLimitKmh);
  const timeline = generateTimeline(scenario, resolved, { limitKmh, seed });
  const truth = groundTruth(scenario, timeline, map);
  return { name: loaded.name, scenario, resolved, timeline, truth, durationS: timeline.ticks.length };
}

/** Truth events as NDJSON lines with ISO times, the file a run writes beside its verdict. */
export function truthLines(compiled: CompiledScenario): string {
  const iso = (s: number) => new Date(compiled.timeline.startMs + s * 1000).toISOString();
  return compiled.truth
    .map((event) => JSON.stringify({ type: event.type, startedAt: iso(event.startS), endedAt: iso(event.endS), lat: event.lat, lon: event.lon, details: event.details }))
    .map((line) => `${line}\n`)
    .join("");
}
