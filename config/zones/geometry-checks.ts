/**
 * Geometry checks for one zone feature, each problem with the path inside `geometry` where it
 * is and a reason an operator can act on. Zones supported: Polygon and MultiPolygon (with
 * holes), Point (a circle with `radiusM`) and LineString (a route corridor with a width).
 *
 * Order matters: structure first (types, position counts, closed rings), then ranges, and the
 * self-intersection test only on geometry that passed both, since kinks on a broken ring says
 * nothing useful.
 */
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import kinks from "@turf/kinks";
import type { PathSegment } from "../json-positions.js";

export type ZoneGeometry =
  GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.Point | GeoJSON.LineString;

export interface GeometryProblem {
  /** Path below the feature's `geometry`. */
  path: PathSegment[];
  message: string;
  expected: string;
  found: string;
}

type Position = [number, number];
type Ring = Position[];

const SUPPORTED = ["Polygon", "MultiPolygon", "Point", "LineString"];
const MAX_LISTED_KINKS = 3;

/** Everything wrong with `geometry`; an empty list means it is a usable zone geometry. */
export function checkGeometry(geometry: unknown): GeometryProblem[] {
  if (geometry === undefined || geometry === null) {
    return [
      problem(
        [],
        "the feature has no geometry",
        "a Polygon, MultiPolygon, Point or LineString",
        "nothing",
      ),
    ];
  }
  if (typeof geometry !== "object" || !("type" in geometry)) {
    return [
      problem(
        [],
        "not a GeoJSON geometry",
        "an object with type and coordinates",
        describe(geometry),
      ),
    ];
  }

  const { type, coordinates } = geometry as { type: unknown; coordinates: unknown };
  if (typeof type !== "string" || !SUPPORTED.includes(type)) {
    return [problem(["type"], "unsupported geometry type", SUPPORTED.join(", "), describe(type))];
  }

  const structural = checkStructure(type, coordinates);
  if (structural.length > 0) return structural;

  const ranged = checkRanges(coordinates);
  if (ranged.length > 0) return ranged;

  return checkTopology(geometry as ZoneGeometry);
}

function checkStructure(type: string, coordinates: unknown): GeometryProblem[] {
  const at: PathSegment[] = ["coordinates"];
  switch (type) {
    case "Point":
      return checkPosition(coordinates, at);
    case "LineString":
      return checkLine(coordinates, at);
    case "Polygon":
      return checkPolygon(coordinates, at);
    default:
      if (!Array.isArray(coordinates) || coordinates.length === 0) {
        return [
          problem(
            at,
            "a MultiPolygon needs at least one polygon",
            "an array of polygons",
            describe(coordinates),
          ),
        ];
      }
      return coordinates.flatMap((polygon, index) => checkPolygon(polygon, [...at, index]));
  }
}

function checkPosition(value: unknown, at: PathSegment[]): GeometryProblem[] {
  const ok =
    Array.isArray(value) &&
    (value.length === 2 || value.length === 3) &&
    value.every((number) => typeof number === "number" && Number.isFinite(number));
  if (ok) return [];
  return [
    problem(at, "not a position", "[lon, lat] or [lon, lat, altitude] in degrees", describe(value)),
  ];
}

function checkLine(value: unknown, at: PathSegment[]): GeometryProblem[] {
  if (!Array.isArray(value) || value.length < 2) {
    return [
      problem(
        at,
        "a corridor centre line needs at least 2 positions",
        "at least 2 positions",
        countOf(value),
      ),
    ];
  }
  return value.flatMap((position, index) => checkPosition(position, [...at, index]));
}

function checkPolygon(value: unknown, at: PathSegment[]): GeometryProblem[] {
  if (!Array.isArray(value) || value.length === 0) {
    return [problem(at, "a polygon needs an outer ring", "an array of rings", describe(value))];
  }
  return value.flatMap((ring, index) => checkRing(ring, [...at, index]));
}

function checkRing(value: unknown, at: PathSegment[]): GeometryProblem[] {
  const ringName = at.at(-1) === 0 ? "outer ring" : `ring ${String(at.at(-1))} (a hole)`;
  if (!Array.isArray(value) || value.length < 4) {
    const message = `${ringName} has too few positions (a closed triangle already needs 4)`;
    return [
      problem(at, message, "at least 4 positions, the last equal to the first", countOf(value)),
    ];
  }

  const positions = value.flatMap((position, index) => checkPosition(position, [...at, index]));
  if (positions.length > 0) return positions;

  const first = value[0] as Position;
  const last = value.at(-1) as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    const message = `${ringName} is not closed: its last position differs from its first`;
    return [
      problem(
        [...at, value.length - 1],
        message,
        JSON.stringify(first.slice(0, 2)),
        JSON.stringify(last.slice(0, 2)),
      ),
    ];
  }
  return [];
}

/**
 * Longitude and latitude ranges. A file written lat-first is the commonest mistake with GeoJSON,
 * and outside lon ±90 it shows as latitudes beyond 90: say so instead of listing every position.
 */
function checkRanges(coordinates: unknown): GeometryProblem[] {
  const positions = collectPositions(coordinates, ["coordinates"]);
  const outside = positions.filter(
    ({ position: [lon, lat] }) => Math.abs(lon) > 180 || Math.abs(lat) > 90,
  );
  if (outside.length === 0) return [];

  const looksSwapped = positions.every(
    ({ position: [lon, lat] }) => Math.abs(lon) <= 90 && Math.abs(lat) <= 180,
  );
  const first = outside[0]!;
  const more = outside.length > 1 ? ` (and ${outside.length - 1} more)` : "";
  if (looksSwapped) {
    const latitude = first.position[1];
    const message = `coordinates look swapped (lat,lon instead of lon,lat): latitude ${latitude} is beyond 90${more}`;
    return [problem(first.path, message, "[lon, lat] positions", JSON.stringify(first.position))];
  }

  const [lon, lat] = first.position;
  const message =
    Math.abs(lat) > 90
      ? `latitude ${lat} is out of range${more}`
      : `longitude ${lon} is out of range${more}`;
  return [
    problem(
      first.path,
      message,
      "lon in [-180, 180], lat in [-90, 90]",
      JSON.stringify(first.position),
    ),
  ];
}

function checkTopology(geometry: ZoneGeometry): GeometryProblem[] {
  if (geometry.type === "Polygon")
    return checkRings(geometry.coordinates as Ring[], ["coordinates"]);
  if (geometry.type === "MultiPolygon") {
    const perPolygon = geometry.coordinates.flatMap((rings, index) =>
      checkRings(rings as Ring[], ["coordinates", index]),
    );
    if (perPolygon.length > 0) return perPolygon;
    // Polygons of one zone that cross each other make "inside" ambiguous, as a kinked ring does.
    return crossings(
      geometry,
      ["coordinates"],
      "the polygons of this MultiPolygon cross or touch each other",
    );
  }
  return [];
}

function checkRings(rings: Ring[], at: PathSegment[]): GeometryProblem[] {
  const ownKinks = rings.flatMap((ring, index) =>
    crossings(
      { type: "Polygon", coordinates: [ring] },
      [...at, index],
      `${index === 0 ? "outer ring" : `ring ${index} (a hole)`} intersects itself`,
    ),
  );
  if (ownKinks.length > 0) return ownKinks;

  const between = crossings(
    { type: "Polygon", coordinates: rings },
    at,
    "a hole crosses the outer ring or another hole",
  );
  if (between.length > 0) return between;

  return holesOutside(rings, at);
}

function crossings(
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon,
  at: PathSegment[],
  reason: string,
): GeometryProblem[] {
  const points = kinks(geometry).features.map((feature) => feature.geometry.coordinates);
  if (points.length === 0) return [];

  const listed = points
    .slice(0, MAX_LISTED_KINKS)
    .map((point) => `[${point.map(round).join(", ")}]`);
  const more =
    points.length > MAX_LISTED_KINKS ? ` and ${points.length - MAX_LISTED_KINKS} more` : "";
  return [
    problem(
      at,
      `${reason} at ${listed.join(", ")}${more}`,
      "a simple ring (no self-intersection)",
      `${points.length} crossing${points.length === 1 ? "" : "s"}`,
    ),
  ];
}

// A hole outside its shell passes kinks but cuts nothing out: the author meant another place.
function holesOutside(rings: Ring[], at: PathSegment[]): GeometryProblem[] {
  const shell: GeoJSON.Polygon = { type: "Polygon", coordinates: [rings[0]!] };
  return rings.slice(1).flatMap((hole, offset) => {
    if (hole.every((position) => booleanPointInPolygon(position, shell))) return [];
    const index = offset + 1;
    return [
      problem(
        [...at, index],
        `ring ${index} (a hole) lies outside the outer ring`,
        "a hole inside the outer ring",
        "positions outside it",
      ),
    ];
  });
}

interface LocatedPosition {
  position: Position;
  path: PathSegment[];
}

function collectPositions(value: unknown, at: PathSegment[]): LocatedPosition[] {
  if (Array.isArray(value) && typeof value[0] === "number")
    return [{ position: value as Position, path: at }];
  if (!Array.isArray(value)) return [];
  return value.flatMap((child, index) => collectPositions(child, [...at, index]));
}

function problem(
  path: PathSegment[],
  message: string,
  expected: string,
  found: string,
): GeometryProblem {
  return { path, message, expected, found };
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= 60 ? json : `${json.slice(0, 59)}…`;
}

function countOf(value: unknown): string {
  return Array.isArray(value)
    ? `${value.length} position${value.length === 1 ? "" : "s"}`
    : describe(value);
}

function round(degrees: number): string {
  return degrees.toFixed(6).replace(/\.?0+$/, "");
}
