/**
 * Loading the zone file: read it, parse it as JSON, validate every feature's properties and
 * geometry, and either return the zones or reject the whole file with every problem listed
 * (ZONES_INVALID). A half-loaded zone set would silently miss the violations of the zones left
 * out, so there is no partial result.
 */
import { readFile } from "node:fs/promises";
import { MuckError } from "../../agent/errors.js";
import { logger } from "../../agent/log.js";
import { toConfigIssues } from "../issues.js";
import { indexJsonPositions, JsonSyntaxError, type JsonPosition } from "../json-positions.js";
import { checkGeometry, type ZoneGeometry } from "./geometry-checks.js";
import { isKnownTimeZone, localTime } from "./local-time.js";
import { ShapePropertiesSchema, ZoneFileSchema, type ZoneProperties } from "./schema.js";
import { checkShapeProperties } from "./shape-rules.js";
import type { Zone } from "./zone.js";
import { describeIssues, type RawIssue } from "./zone-issues.js";
import { ZonesError, type ZoneIssue } from "./zone-error.js";

export interface LoadZonesOptions {
  /** IANA time zone the file's hours and dates are written in, e.g. `Asia/Shanghai`. */
  timeZone: string;
}

/** A feature as found in the file, before it is known to be valid. */
export interface RawFeature {
  id?: unknown;
  properties?: unknown;
  geometry?: unknown;
}

const WGS84_CRS = /CRS84$|EPSG:+4326$/;

/** Read and validate a zone file; throws MuckError (ZONES_NOT_FOUND/_NOT_JSON) or ZonesError. */
export async function loadZones(file: string, options: LoadZonesOptions): Promise<Zone[]> {
  if (!isKnownTimeZone(options.timeZone)) {
    throw new TypeError(`zones: timeZone must be an IANA time zone, found "${options.timeZone}"`);
  }

  const { data, issues } = parseZoneText(file, await readZoneFile(file));
  if (issues.length > 0) throw new ZonesError(file, issues);

  const zones = zonesOf(data);
  report(file, zones, options.timeZone);
  return zones;
}

/**
 * The zone file's text parsed and validated as the loader does it, for `zones check` and for
 * bundles: every problem that makes the agent reject the file. Throws ZONES_NOT_JSON.
 */
export function parseZoneText(file: string, text: string): ParsedZoneText {
  const json = text.replace(/^\uFEFF/, "");
  const positions = indexPositions(file, json);
  const data: unknown = JSON.parse(json);
  return { data, positions, issues: findIssues(file, data, positions) };
}

export interface ParsedZoneText {
  data: unknown;
  /** Where each path sits in the text, for more issues about the same document. */
  positions: Map<string, JsonPosition>;
  issues: ZoneIssue[];
}

/** The zones of a document `parseZoneText` found no issue in. */
export function zonesOf(data: unknown): Zone[] {
  return (data as { features: RawFeature[] }).features.map(toZone);
}

/** One feature as a zone; only for a feature without issues. */
export function toZone(feature: RawFeature): Zone {
  const { meta: _notes, ...properties } = feature.properties as ZoneProperties;
  return { ...properties, geometry: feature.geometry as ZoneGeometry };
}

async function readZoneFile(file: string): Promise<string> {
  try {
    // Editors on Windows save a byte-order mark, which JSON.parse rejects; it is not content.
    return (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    const reason =
      code === "ENOENT" ? "zone file not found" : `cannot read the zone file (${code})`;
    throw new MuckError("ZONES_NOT_FOUND", `${file}: ${reason}`, { cause: error });
  }
}

function indexPositions(file: string, text: string): Map<string, JsonPosition> {
  try {
    return indexJsonPositions(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const where = `line ${error.line}, column ${error.column}, near ${error.near}`;
    const message = `${file}:${error.line}: not valid JSON: ${error.reason} (${where})`;
    throw new MuckError("ZONES_NOT_JSON", message, { cause: error });
  }
}

function findIssues(
  file: string,
  data: unknown,
  positions: Map<string, JsonPosition>,
): ZoneIssue[] {
  const parsed = ZoneFileSchema.safeParse(data);
  const schemaIssues = parsed.success
    ? []
    : toConfigIssues(parsed.error.issues, { file, schema: ZoneFileSchema, data, positions });

  const features = featuresOf(data);
  const raw: RawIssue[] = [
    ...crsIssues(data),
    ...features.flatMap((feature, index) => featureIssues(feature, index)),
    ...duplicateIds(features),
  ];
  return describeIssues(file, data, positions, [
    ...schemaIssues,
    ...raw.map((issue) => ({ ...issue, file })),
  ]);
}

function featuresOf(data: unknown): RawFeature[] {
  const features = (data as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return [];
  return features.map((feature) =>
    typeof feature === "object" && feature !== null ? feature : {},
  );
}

function featureIssues(feature: RawFeature, index: number): RawIssue[] {
  const geometryProblems = checkGeometry(feature.geometry);
  const geometryIssues = geometryProblems.map((problem) => ({
    ...problem,
    rule: "geometry" as const,
    path: ["features", index, "geometry", ...problem.path],
  }));
  if (geometryProblems.length > 0) return geometryIssues;

  // Shape rules read only the shape fields; they run when those are valid, whatever else is wrong.
  const properties = ShapePropertiesSchema.safeParse(feature.properties);
  if (!properties.success) return [];

  return checkShapeProperties(feature.geometry as ZoneGeometry, properties.data).map(
    ({ field, ...problem }) => ({
      ...problem,
      rule: field === "radiusM" ? ("circle_radius" as const) : ("corridor_width" as const),
      path: ["features", index, "properties", field],
    }),
  );
}

function duplicateIds(features: RawFeature[]): RawIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: RawIssue[] = [];

  features.forEach((feature, index) => {
    const id = (feature.properties as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string" || id === "") return;

    const first = firstIndex.get(id);
    if (first === undefined) return void firstIndex.set(id, index);
    issues.push({
      rule: "duplicate_id",
      path: ["features", index, "properties", "id"],
      message: `duplicate zone id; features[${first}] already uses it, and events name zones by id`,
      expected: "an id no other feature uses",
      found: JSON.stringify(id),
    });
  });
  return issues;
}

// RFC 7946 positions are WGS84 lon/lat; an old-style crs naming anything else means another datum.
function crsIssues(data: unknown): RawIssue[] {
  const crs = (data as { crs?: { properties?: { name?: unknown } } } | null)?.crs;
  if (crs === undefined) return [];

  const name = crs?.properties?.name;
  if (typeof name === "string" && WGS84_CRS.test(name)) return [];
  return [
    {
      rule: "crs",
      path: ["crs"],
      message: "the zone file must be in WGS84 longitude/latitude (RFC 7946); reproject it",
      expected: "no crs, or urn:ogc:def:crs:OGC:1.3:CRS84",
      found: JSON.stringify(name ?? crs) ?? "",
    },
  ];
}

function report(file: string, zones: Zone[], timeZone: string): void {
  const log = logger("zones");
  const byKind: Record<string, number> = {};
  for (const zone of zones) byKind[zone.kind] = (byKind[zone.kind] ?? 0) + 1;
  log.info({ file, zones: zones.length, byKind, timeZone }, "zones loaded");

  // An expired zone is valid data but usually a file nobody has updated: worth one warning.
  const today = localTime(Date.now(), timeZone).date;
  const expired = zones.filter((zone) => zone.validTo !== undefined && zone.validTo < today);
  if (expired.length > 0) {
    log.warn({ file, expired: expired.map((zone) => zone.id), today }, "zones past their validTo");
  }
}
