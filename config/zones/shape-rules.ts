/**
 * Which properties each geometry needs and allows: a circle is a Point with `radiusM`; a route
 * corridor is a LineString with `widthM` or one width per segment; polygons take neither.
 *
 * Per-segment arrays: segment i joins vertex i and vertex i+1 of the LineString, so a line of
 * n positions has n-1 segments and each array has exactly n-1 entries. In `segmentLimitsKmh` a
 * null means "this segment has no limit of its own": the zone's `speedLimitKmh` applies there.
 */
import type { GeometryProblem, ZoneGeometry } from "./geometry-checks.js";
import type { ShapeProperties } from "./schema.js";

/** A problem with a property; `field` is the key under `properties`. */
export interface PropertyProblem extends Omit<GeometryProblem, "path"> {
  field: keyof ShapeProperties;
}

const CORRIDOR_ONLY = ["widthM", "segmentWidthsM", "segmentLimitsKmh"] as const;

export function checkShapeProperties(
  geometry: ZoneGeometry,
  properties: ShapeProperties,
): PropertyProblem[] {
  switch (geometry.type) {
    case "Point":
      return [...needsRadius(properties), ...notAllowed(properties, CORRIDOR_ONLY, "a circle")];
    case "LineString":
      return [
        ...needsWidth(properties, geometry.coordinates.length - 1),
        ...notAllowed(properties, ["radiusM"], "a route corridor"),
      ];
    default:
      return notAllowed(properties, ["radiusM", ...CORRIDOR_ONLY], "a polygon");
  }
}

function needsRadius(properties: ShapeProperties): PropertyProblem[] {
  if (properties.radiusM !== undefined) return [];
  return [
    {
      field: "radiusM",
      message: "a circle zone (Point geometry) needs its radius",
      expected: "radiusM > 0",
      found: "nothing",
    },
  ];
}

function needsWidth(properties: ShapeProperties, segments: number): PropertyProblem[] {
  const { widthM, segmentWidthsM, segmentLimitsKmh } = properties;
  const problems: PropertyProblem[] = [];

  if (widthM === undefined && segmentWidthsM === undefined) {
    problems.push({
      field: "widthM",
      message: "a route corridor (LineString geometry) needs its width",
      expected: "widthM > 0, or segmentWidthsM with one width per segment",
      found: "nothing",
    });
  }
  if (widthM !== undefined && segmentWidthsM !== undefined) {
    problems.push({
      field: "segmentWidthsM",
      message: "give widthM or segmentWidthsM, not both, so the width is never ambiguous",
      expected: "one of widthM, segmentWidthsM",
      found: "both",
    });
  }
  for (const field of ["segmentWidthsM", "segmentLimitsKmh"] as const) {
    const values = field === "segmentWidthsM" ? segmentWidthsM : segmentLimitsKmh;
    if (values === undefined || values.length === segments) continue;
    problems.push({
      field,
      message: `${field} needs one entry per segment (segment i joins positions i and i+1)`,
      expected: `${segments} entr${segments === 1 ? "y" : "ies"}`,
      found: `${values.length}`,
    });
  }
  return problems;
}

function notAllowed(
  properties: ShapeProperties,
  fields: readonly (keyof ShapeProperties)[],
  shape: string,
): PropertyProblem[] {
  return fields
    .filter((field) => properties[field] !== undefined)
    .map((field) => ({
      field,
      message: `${field} does not apply to ${shape}`,
      expected: "no such property",
      found: JSON.stringify(properties[field]) ?? "",
    }));
}
