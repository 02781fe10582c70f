/**
 * A zone's geometry prepared for queries: the box it covers (for the spatial index) and where a
 * point lies relative to it (0 inside, else metres to the edge; the segment for corridors).
 *
 *   polygon   inside by turf's point-in-polygon (holes are outside, the boundary is inside);
 *             outside, the distance to the nearest edge of any ring.
 *   circle    the distance to the centre minus radiusM.
 *   corridor  inside when within half a segment's width of that segment's centre line.
 */
import turfBbox from "@turf/bbox";
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { degreesAround, distanceM, distanceToSegmentM, localFrame } from "./metric.js";
import type { Zone } from "./zone.js";

export type Bbox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface Placement {
  /** 0 inside; else metres to the zone's edge. */
  distanceM: number;
  /** Corridors only: the segment the point belongs to (or is nearest to, outside). */
  segment?: number;
}

export interface ZoneShape {
  /** Covers every point inside the zone, corridor half-widths and circle radii included. */
  bbox: Bbox;
  place(lon: number, lat: number): Placement;
}

export function compileShape(zone: Zone): ZoneShape {
  const geometry = zone.geometry;
  switch (geometry.type) {
    case "Point":
      return circle(geometry.coordinates, zone.radiusM ?? 0);
    case "LineString":
      return corridor(geometry.coordinates, halfWidthsM(zone, geometry.coordinates.length - 1));
    default:
      return polygon(geometry);
  }
}

function polygon(geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon): ZoneShape {
  const rings = geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates.flat();

  return {
    bbox: turfBbox(geometry) as Bbox,
    place(lon, lat) {
      if (booleanPointInPolygon([lon, lat], geometry)) return { distanceM: 0 };

      const frame = localFrame(lon, lat);
      let nearestM = Infinity;
      for (const ring of rings) {
        for (let i = 1; i < ring.length; i++) {
          nearestM = Math.min(nearestM, distanceToSegmentM(frame, ring[i - 1]!, ring[i]!));
        }
      }
      return { distanceM: nearestM };
    },
  };
}

function circle(centre: GeoJSON.Position, radiusM: number): ZoneShape {
  const [lon0, lat0] = centre as [number, number];
  const { dLon, dLat } = degreesAround(radiusM, lat0);

  return {
    bbox: [lon0 - dLon, lat0 - dLat, lon0 + dLon, lat0 + dLat],
    place: (lon, lat) => ({ distanceM: Math.max(0, distanceM(lon, lat, lon0, lat0) - radiusM) }),
  };
}

function corridor(line: GeoJSON.Position[], halfWidthsM: number[]): ZoneShape {
  const [minLon, minLat, maxLon, maxLat] = turfBbox({ type: "LineString", coordinates: line });
  const { dLon, dLat } = degreesAround(Math.max(...halfWidthsM), Math.max(-minLat, maxLat));

  return {
    bbox: [minLon - dLon, minLat - dLat, maxLon + dLon, maxLat + dLat],
    place(lon, lat) {
      const frame = localFrame(lon, lat);
      let best = { segment: 0, beyondM: Infinity, centreM: Infinity };

      for (let segment = 0; segment < halfWidthsM.length; segment++) {
        const centreM = distanceToSegmentM(frame, line[segment]!, line[segment + 1]!);
        const beyondM = Math.max(0, centreM - halfWidthsM[segment]!);
        // Near a vertex two segments both contain the point: the nearer centre line owns it.
        if (beyondM < best.beyondM || (beyondM === best.beyondM && centreM < best.centreM)) {
          best = { segment, beyondM, centreM };
        }
      }
      return { distanceM: best.beyondM, segment: best.segment };
    },
  };
}

function halfWidthsM(zone: Zone, segments: number): number[] {
  const widths = zone.segmentWidthsM ?? Array.from({ length: segments }, () => zone.widthM ?? 0);
  return widths.map((widthM) => widthM / 2);
}
