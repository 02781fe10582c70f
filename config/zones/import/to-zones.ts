/**
 * Source features → zone features. Lines become corridors (a GPX track, a route, a KML
 * LineString), polygons become areas, points become circles when a radius is known; each zone
 * gets an id from its name, the name from the source (or `--name`), and the description in
 * `meta`. Numbers the source carries under a zone property's name (KML ExtendedData, GeoJSON
 * properties: `widthM`, `radiusM`, `speedLimitKmh`) win over the command's options.
 *
 * Lines are simplified (Douglas–Peucker, `simplifyM`): a 1 Hz track has a vertex every few
 * metres and GNSS noise in each; the corridor needs the road's shape, not the noise.
 */
import simplify from "@turf/simplify";
import { distanceM, localFrame } from "../metric.js";
import type { ZoneKind } from "../zone.js";
import { kindFromFolders } from "./kinds.js";
import type { SourceFeature } from "./read-source.js";

export interface ImportOptions {
  kind?: ZoneKind;
  widthM?: number;
  radiusM?: number;
  speedLimitKmh?: number;
  name?: string;
  idPrefix: string;
  /** Douglas–Peucker tolerance for lines, metres; 0 keeps every vertex. */
  simplifyM: number;
  /** Names the source in each zone's meta. */
  sourceName: string;
  /** Ids already taken (by the file appended to). */
  takenIds?: Iterable<string>;
}

export interface ZoneFeature {
  type: "Feature";
  properties: Record<string, unknown>;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.Point | GeoJSON.LineString;
}

export interface Imported {
  zones: ZoneFeature[];
  /** One line per source feature that did not become a zone, with the reason. */
  skipped: string[];
  /** Features that cannot become zones without more options: the import fails on them. */
  problems: string[];
  /** Source vertices of each zone's line before simplification, by zone index. */
  sourceVertices: Map<number, number>;
}

/** Track segments closer than this are one road: the receiver lost the sky (a bridge, a tunnel). */
export const JOIN_GAP_M = 300;

interface Part {
  source: SourceFeature;
  index: number;
  geometry: ZoneFeature["geometry"];
  /** `(part 2)` when one source feature made several zones. */
  part?: number;
}

export function toZones(sources: readonly SourceFeature[], options: ImportOptions): Imported {
  const imported: Imported = { zones: [], skipped: [], problems: [], sourceVertices: new Map() };
  const ids = new Set(options.takenIds ?? []);
  const unnamed = sources.filter((source) => nameOf(source) === undefined).length;
  let unnamedSeen = 0;

  sources.forEach((source, index) => {
    const label = `${source.origin} ${JSON.stringify(nameOf(source) ?? `#${index + 1}`)}`;
    const parts = splitParts(source, index);
    if (parts.length === 0)
      return void imported.skipped.push(`${label}: no geometry a zone can have`);
    if (nameOf(source) === undefined) unnamedSeen++;

    for (const part of parts) {
      const name = zoneName(source, part, options, sources.length, unnamed > 1 ? unnamedSeen : 0);
      const zone = toZone(part, name, label, options, imported);
      if (zone === null) continue;

      zone.properties = { id: uniqueId(options.idPrefix, name, ids), ...zone.properties };
      if (part.geometry.type === "LineString") {
        imported.sourceVertices.set(imported.zones.length, part.geometry.coordinates.length);
      }
      imported.zones.push(zone);
    }
  });
  return imported;
}

function toZone(
  part: Part,
  name: string,
  label: string,
  options: ImportOptions,
  imported: Imported,
): ZoneFeature | null {
  const { source } = part;
  const radiusM = numberProperty(source, "radiusM") ?? options.radiusM;
  if (part.geometry.type === "Point" && radiusM === undefined) {
    imported.skipped.push(`${label}: a point; give --radius to import points as circles`);
    return null;
  }

  const kind =
    options.kind ??
    kindFromFolders(source.folders) ??
    (part.geometry.type === "LineString" ? "route" : undefined);
  if (kind === undefined) {
    imported.problems.push(
      `${label}: no kind: give --kind, or put it in a KML folder named for its kind ("Disposal sites")`,
    );
    return null;
  }

  const properties: Record<string, unknown> = { name, kind };
  const speedLimitKmh = numberProperty(source, "speedLimitKmh") ?? options.speedLimitKmh;
  if (speedLimitKmh !== undefined) properties.speedLimitKmh = speedLimitKmh;

  let geometry = part.geometry;
  if (geometry.type === "Point") properties.radiusM = radiusM;
  if (geometry.type === "LineString") {
    const widthM = numberProperty(source, "widthM") ?? options.widthM;
    if (widthM === undefined) {
      imported.problems.push(`${label}: a line needs a corridor width: give --width`);
      return null;
    }
    properties.widthM = widthM;
    geometry = simplifyLine(geometry, options.simplifyM);
  }

  properties.meta = meta(source, options.sourceName);
  return { type: "Feature", properties, geometry };
}

/** The zone geometries in one source feature (a MultiGeometry may hold several). */
function splitParts(source: SourceFeature, index: number): Part[] {
  const geometries = flatten(source.geometry);
  const polygons = geometries
    .filter((g): g is GeoJSON.Polygon => g.type === "Polygon")
    .map(closeRings);
  const multi = geometries.filter((g): g is GeoJSON.MultiPolygon => g.type === "MultiPolygon");
  const lines = joinSegments(geometries.flatMap(linesOf));
  const points = geometries.flatMap(pointsOf);

  const areas: GeoJSON.Geometry[] = [];
  const rings = [
    ...polygons.map((p) => p.coordinates),
    ...multi.flatMap((m) =>
      m.coordinates.map((c) => closeRings({ type: "Polygon", coordinates: c }).coordinates),
    ),
  ];
  if (rings.length === 1) areas.push({ type: "Polygon", coordinates: rings[0]! });
  if (rings.length > 1) areas.push({ type: "MultiPolygon", coordinates: rings });

  const all = [...areas, ...lines, ...points] as Part["geometry"][];
  return all.map((geometry, i) => ({
    source,
    index,
    geometry,
    ...(all.length > 1 ? { part: i + 1 } : {}),
  }));
}

function flatten(geometry: GeoJSON.Geometry | null): GeoJSON.Geometry[] {
  if (geometry === null) return [];
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(flatten);
  return [geometry];
}

function linesOf(geometry: GeoJSON.Geometry): GeoJSON.Position[][] {
  if (geometry.type === "LineString") return [geometry.coordinates];
  if (geometry.type === "MultiLineString") return geometry.coordinates;
  return [];
}

function pointsOf(geometry: GeoJSON.Geometry): GeoJSON.Point[] {
  if (geometry.type === "Point")
    return [{ type: "Point", coordinates: flat(geometry.coordinates) }];
  if (geometry.type === "MultiPoint")
    return geometry.coordinates.map((c) => ({ type: "Point", coordinates: flat(c) }));
  return [];
}

/** Consecutive segments whose gap is under JOIN_GAP_M become one line. */
function joinSegments(segments: GeoJSON.Position[][]): GeoJSON.LineString[] {
  const lines: GeoJSON.Position[][] = [];
  for (const segment of segments.map(dedupe).filter((s) => s.length >= 2)) {
    const last = lines.at(-1);
    const end = last?.at(-1);
    if (last !== undefined && end !== undefined && gapM(end, segment[0]!) <= JOIN_GAP_M)
      last.push(...segment);
    else lines.push([...segment]);
  }
  return lines.map((coordinates) => ({ type: "LineString", coordinates }));
}

function dedupe(line: GeoJSON.Position[]): GeoJSON.Position[] {
  const flatLine = line.map(flat);
  return flatLine.filter(
    (p, i) => i === 0 || p[0] !== flatLine[i - 1]![0] || p[1] !== flatLine[i - 1]![1],
  );
}

function gapM(a: GeoJSON.Position, b: GeoJSON.Position): number {
  return distanceM(a[0]!, a[1]!, b[0]!, b[1]!);
}

/** Zones are 2-D; altitudes from GPX and KML only add bytes. Rounded to 1e-7° (1 cm). */
function flat(position: GeoJSON.Position): GeoJSON.Position {
  return [round7(position[0]!), round7(position[1]!)];
}

function round7(degrees: number): number {
  return Math.round(degrees * 1e7) / 1e7;
}

function closeRings(polygon: GeoJSON.Polygon): GeoJSON.Polygon {
  const rings = polygon.coordinates.map((ring) => {
    const positions = dedupe(ring);
    const [first, last] = [positions[0], positions.at(-1)];
    if (
      first !== undefined &&
      last !== undefined &&
      (first[0] !== last[0] || first[1] !== last[1])
    ) {
      positions.push([...first]);
    }
    return positions;
  });
  return { type: "Polygon", coordinates: rings };
}

function simplifyLine(line: GeoJSON.LineString, toleranceM: number): GeoJSON.LineString {
  if (toleranceM <= 0 || line.coordinates.length <= 2) return line;
  // turf simplifies in degrees; a degree of latitude is the shorter one, so this errs small.
  const frame = localFrame(line.coordinates[0]![0]!, line.coordinates[0]![1]!);
  const tolerance = toleranceM / frame.mPerDegLat;
  const simplified = simplify(line, { tolerance, highQuality: true, mutate: false });
  return { type: "LineString", coordinates: simplified.coordinates.map(flat) };
}

function nameOf(source: SourceFeature): string | undefined {
  for (const key of ["name", "Name", "NAME", "title"]) {
    const value = source.properties[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

function zoneName(
  source: SourceFeature,
  part: Part,
  options: ImportOptions,
  total: number,
  unnamedNumber: number,
): string {
  const own = nameOf(source);
  const base =
    total === 1 && options.name !== undefined
      ? options.name
      : (own ??
        `${options.name ?? options.sourceName}${unnamedNumber > 0 ? ` ${unnamedNumber}` : ""}`);
  return part.part === undefined ? base : `${base} (part ${part.part})`;
}

function numberProperty(source: SourceFeature, key: string): number | undefined {
  const value = source.properties[key];
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) && number > 0 ? number : undefined;
}

function meta(source: SourceFeature, sourceName: string): Record<string, unknown> {
  const notes: Record<string, unknown> = { source: sourceName };
  if (source.folders.length > 0) notes.folder = source.folders.join(" / ");
  for (const key of ["description", "desc", "Description"]) {
    const value = source.properties[key];
    if (typeof value === "string" && value.trim() !== "") notes.description = value.trim();
    else if (typeof value === "object" && value !== null && "value" in value)
      notes.description = String(value.value);
  }
  return notes;
}

/** `prefix` + the name in lower case with runs of other characters as `-`; letters of any script stay. */
function uniqueId(prefix: string, name: string, taken: Set<string>): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-|-$/g, "") || "zone";
  const base = `${prefix}${slug}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
