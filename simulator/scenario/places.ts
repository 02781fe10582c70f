/**
 * Where a scenario happens: its places resolved to metres on the local plane, its route files
 * read (GeoJSON LineString or GPX track, via togeojson), and its zones — the world's (the truth)
 * and the agent's (what the agent is told, possibly less).
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";

import { gpx } from "@tmcw/togeojson";
import { DOMParser } from "@xmldom/xmldom";

import { MuckError } from "../../agent/errors.js";
import type { LoadedScenario } from "./load.js";
import { scenarioPath } from "./load.js";
import type { Place, Step } from "./schema.js";
import { ORIGIN, PLACES, toXy, zoneFile, type Origin, type Xy } from "./world.js";

/** A step with every place turned into metres. */
export type ResolvedStep = Omit<Step, "drive" | "at" | "outlier"> & {
  drive?: Xy[];
  at?: Xy;
  outlier?: { atS: number; at: Xy };
};

export interface ResolvedScenario {
  origin: Origin;
  steps: ResolvedStep[];
  /** The real map: what the ground truth is judged against. */
  world: GeoJSON.FeatureCollection;
  /** The map the agent is given (the world unless the scenario says otherwise). */
  agentZones: GeoJSON.FeatureCollection;
}

export async function resolveScenario(loaded: LoadedScenario): Promise<ResolvedScenario> {
  const { scenario } = loaded;
  const origin = scenario.origin ?? ORIGIN;
  const place = (p: Place, where: string): Xy => resolvePlace(p, scenario.places, origin, where);

  const steps: ResolvedStep[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const where = `steps[${index}]`;
    const resolved = { ...step } as ResolvedStep;
    if ("at" in step && step.at !== undefined) resolved.at = place(step.at, `${where}.at`);
    if (step.outlier !== undefined) resolved.outlier = { atS: step.outlier.atS, at: place(step.outlier.at, `${where}.outlier.at`) };
    if ("drive" in step) {
      resolved.drive =
        typeof step.drive === "string"
          ? (await readRouteFile(scenarioPath(loaded, step.drive))).map((lonLat) => toXy(lonLat, origin))
          : step.drive.map((p, i) => place(p, `${where}.drive[${i}]`));
    }
    steps.push(resolved);
  }

  const world =
    scenario.zonesFile === undefined
      ? zoneFile(scenario.zones, scenario.zoneOverrides, origin)
      : await readZoneFile(scenarioPath(loaded, scenario.zonesFile));
  const agentZones =
    scenario.agent.zones === undefined ? world : zoneFile(scenario.agent.zones, scenario.zoneOverrides, origin);
  return { origin, steps, world, agentZones };
}

function resolvePlace(p: Place, own: Record<string, Place>, origin: Origin, where: string, depth = 0): Xy {
  if (Array.isArray(p)) return [p[0], p[1]];
  if (typeof p === "object") return toXy([p.lon, p.lat], origin);

  const named = own[p] ?? PLACES[p];
  if (named === undefined || depth > 4) {
    const known = [...Object.keys(own), ...Object.keys(PLACES)].join(", ");
    throw new MuckError("SCENARIO_INVALID", `${where}: no place "${p}" (known: ${known})`);
  }
  return resolvePlace(named, own, origin, where, depth + 1);
}

/** The [lon, lat] points of a route: a GeoJSON LineString (bare, Feature or first of a collection) or a GPX track. */
export async function readRouteFile(file: string): Promise<number[][]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MuckError("SCENARIO_NOT_FOUND", `${file}: cannot read the route (${(error as Error).message})`);
  }

  const geojson = extname(file).toLowerCase() === ".gpx" ? gpxToGeoJson(text) : parseJson(text, file);
  const line = firstLine(geojson);
  if (line === null || line.length < 2) {
    throw new MuckError("SCENARIO_INVALID", `${file}: no LineString (or GPX track) with two points or more`);
  }
  return line;
}

function gpxToGeoJson(text: string): unknown {
  // xmldom's document is what togeojson walks; its types are not the browser's Document.
  return gpx(new DOMParser().parseFromString(text, "text/xml") as unknown as Parameters<typeof gpx>[0]);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MuckError("SCENARIO_INVALID", `${file}: not JSON (${(error as Error).message})`);
  }
}

function firstLine(value: unknown): number[][] | null {
  const node = value as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] };
  if (node?.type === "LineString") return node.coordinates as number[][];
  if (node?.type === "MultiLineString") return (node.coordinates as number[][][])[0] ?? null;
  if (node?.type === "Feature") return firstLine(node.geometry);
  if (node?.type === "FeatureCollection") {
    for (const feature of node.features ?? []) {
      const line = firstLine(feature);
      if (line !== null) return line;
    }
  }
  return null;
}

async function readZoneFile(file: string): Promise<GeoJSON.FeatureCollection> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MuckError("SCENARIO_NOT_FOUND", `${file}: cannot read the zone file (${(error as Error).message})`);
  }
  return parseJson(text, file) as GeoJSON.FeatureCollection;
}
