/** What an import made, as a table for the operator: each zone's kind, shape, size and width. */
import Table from "cli-table3";
import { distanceM } from "../metric.js";
import type { Imported, ZoneFeature } from "./to-zones.js";

export function summaryTable(imported: Imported): string {
  const table = new Table({
    head: ["id", "kind", "shape", "size", "width / radius", "folder"],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  imported.zones.forEach((zone, index) => {
    const p = zone.properties;
    const vertices = imported.sourceVertices.get(index);
    table.push([
      String(p.id),
      String(p.kind),
      shape(zone, vertices),
      size(zone),
      p.widthM !== undefined
        ? `${p.widthM} m wide`
        : p.radiusM !== undefined
          ? `r ${p.radiusM} m`
          : "—",
      origin(zone),
    ]);
  });
  return `${table.toString()}\n`;
}

function shape(zone: ZoneFeature, sourceVertices: number | undefined): string {
  const g = zone.geometry;
  switch (g.type) {
    case "LineString": {
      const kept = g.coordinates.length;
      return sourceVertices !== undefined && sourceVertices !== kept
        ? `corridor, ${kept} of ${sourceVertices} vertices`
        : `corridor, ${kept} vertices`;
    }
    case "Point":
      return "circle";
    case "Polygon":
      if (g.coordinates.length === 1) return "polygon";
      return `polygon with ${g.coordinates.length - 1} hole${g.coordinates.length > 2 ? "s" : ""}`;
    default:
      return `${g.coordinates.length} polygons`;
  }
}

function size(zone: ZoneFeature): string {
  const g = zone.geometry;
  if (g.type === "Point") return "—";
  if (g.type === "LineString") return formatLength(lineLengthM(g.coordinates));

  const positions =
    g.type === "Polygon" ? g.coordinates[0]! : g.coordinates.flatMap((polygon) => polygon[0]!);
  const lons = positions.map((p) => p[0]!);
  const lats = positions.map((p) => p[1]!);
  const [west, east, south, north] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const widthM = distanceM(west, (south + north) / 2, east, (south + north) / 2);
  const heightM = distanceM(west, south, west, north);
  return `${Math.round(widthM)} × ${Math.round(heightM)} m`;
}

export function lineLengthM(coordinates: GeoJSON.Position[]): number {
  let total = 0;
  for (let i = 1; i < coordinates.length; i++) {
    const [a, b] = [coordinates[i - 1]!, coordinates[i]!];
    total += distanceM(a[0]!, a[1]!, b[0]!, b[1]!);
  }
  return total;
}

function formatLength(metres: number): string {
  return metres >= 1000 ? `${(metres / 1000).toFixed(2)} km` : `${Math.round(metres)} m`;
}

function origin(zone: ZoneFeature): string {
  const meta = zone.properties.meta as { folder?: string } | undefined;
  return meta?.folder ?? "";
}
