/**
 * The running config is made of up to three layers, most specific last:
 *
 *   1. the local config file (and its zone file) — everything, including what never changes remotely;
 *   2. the fleet-wide bundle — its settings over the local ones, key by key;
 *   3. this truck's bundle — its settings over both, key by key.
 *
 * Settings merge per key (objects recursively; arrays and values replace). Zones do not merge: the
 * truck bundle's zone file if it has one, else the fleet bundle's, else the local zone file. The
 * result is validated as a whole by the agent config schema, so a combination no single layer
 * shows (a floor above its ceiling) is caught too.
 */
import type { ConfigIssue } from "../errors.js";
import { toConfigIssues } from "../../config/issues.js";
import { indexJsonPositions } from "../../config/json-positions.js";
import { AgentConfigSchema, type AgentConfig } from "../../config/schema.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone, ZoneIndex } from "../../config/zones/zone.js";
import type { Bundle, Channel } from "./bundle.js";

export interface LocalLayer {
  file: string;
  config: AgentConfig;
  zones: readonly Zone[];
}

export interface BundleLayer {
  channel: Channel;
  bundle: Bundle;
  /** The bundle exactly as received: what is kept on disk and re-verified at start. */
  text: string;
  /** The bundle's zone file, validated; null when it carries none. */
  zones: readonly Zone[] | null;
}

export interface Layers {
  local: LocalLayer;
  fleet: BundleLayer | null;
  truck: BundleLayer | null;
}

export type ZonesSource = "local" | Channel;

export interface Composed {
  config: AgentConfig;
  zones: ZoneIndex;
  zonesFrom: ZonesSource;
}

export type Composition =
  { composed: Composed; issues?: never } | { composed?: never; issues: ConfigIssue[] };

export function layerName(layer: BundleLayer): string {
  return `${layer.channel} bundle v${layer.bundle.version}`;
}

export function compose(layers: Layers): Composition {
  const bundles = [layers.fleet, layers.truck].filter((layer): layer is BundleLayer => layer !== null);
  const merged = bundles.reduce<unknown>(
    (config, layer) => mergeSettings(config, layer.bundle.settings ?? {}),
    layers.local.config,
  );

  const result = AgentConfigSchema.safeParse(merged);
  if (!result.success) {
    const issues = toConfigIssues(result.error.issues, {
      file: "",
      schema: AgentConfigSchema,
      data: merged,
      positions: new Map(),
    });
    return { issues: issues.map((issue) => attribute(issue, layers.local, bundles)) };
  }

  const withZones = [...bundles].reverse().find((layer) => layer.zones !== null);
  const zones = withZones?.zones ?? layers.local.zones;
  const index = zoneIndexOf(zones, result.data.zones.timeZone);
  return { composed: { config: result.data, zones: index, zonesFrom: withZones?.channel ?? "local" } };
}

// The same zone file gives the same index object, so a reload that changes only settings lets
// the zone detectors carry on (a dwell under way is not restarted); see DetectionEngine.
const indexes = new WeakMap<readonly Zone[], Map<string, ZoneIndex>>();

function zoneIndexOf(zones: readonly Zone[], timeZone: string): ZoneIndex {
  let byTimeZone = indexes.get(zones);
  if (byTimeZone === undefined) indexes.set(zones, (byTimeZone = new Map()));

  let index = byTimeZone.get(timeZone);
  if (index === undefined) byTimeZone.set(timeZone, (index = buildZoneIndex(zones, { timeZone })));
  return index;
}

/** Objects merge key by key; anything else (values, arrays) replaces. */
export function mergeSettings(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;

  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over))
    merged[key] = key in base ? mergeSettings(base[key], value) : value;
  return merged;
}

/**
 * The issue as the layer that set the value sees it: the most specific layer setting the first
 * two levels of its path (in a bundle: `settings.<path>` and its line there), else the local file.
 */
function attribute(issue: ConfigIssue, local: LocalLayer, bundles: BundleLayer[]): ConfigIssue {
  const [section, key] = issue.path.split(/[.[]/);
  for (const layer of [...bundles].reverse()) {
    const settings = layer.bundle.settings ?? {};
    const inSection = section !== undefined && isPlainObject(settings[section]);
    if (!inSection || (key !== undefined && !(key in (settings[section] as object)))) continue;

    const path = `settings.${issue.path}`;
    const line = lineIn(layer.text, path);
    return { ...issue, file: layerName(layer), path, ...(line === undefined ? {} : { line }) };
  }
  return { ...issue, file: local.file };
}

/** The line of a path in a bundle's text, or of its nearest ancestor there. */
function lineIn(text: string, path: string): number | undefined {
  let positions;
  try {
    positions = indexJsonPositions(text);
  } catch {
    return undefined;
  }
  for (
    let at = path;
    at !== "";
    at = at.slice(0, Math.max(0, at.lastIndexOf("."), at.lastIndexOf("[")))
  ) {
    const found = positions.get(at);
    if (found !== undefined) return found.line;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
