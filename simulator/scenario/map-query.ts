/**
 * Questions the ground truth asks of the real map: what is the speed limit here, is this a
 * site, is the truck on an approved route, is it in a no-go zone. Plain geometry with turf,
 * written apart from the agent's zone index on purpose: the truth must not share the code it
 * judges.
 */
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { lineString, point } from "@turf/helpers";
import pointToLineDistance from "@turf/point-to-line-distance";

type Props = Record<string, unknown>;

interface MapZone {
  id: string;
  kind: string;
  props: Props;
  geometry: GeoJSON.Geometry;
}

export interface SiteHit {
  id: string;
  kind: "loading_site" | "disposal_site";
}

export class MapQuery {
  private readonly zones: MapZone[];

  constructor(world: GeoJSON.FeatureCollection) {
    this.zones = world.features.map((feature) => {
      const props = (feature.properties ?? {}) as Props;
      return { id: String(props.id ?? feature.id ?? "?"), kind: String(props.kind), props, geometry: feature.geometry };
    });
  }

  has(kind: string): boolean {
    return this.zones.some((zone) => zone.kind === kind);
  }

  /** The lowest limit that applies here: speed zones, route corridors, else the default. */
  limitKmh(at: number[], defaultKmh: number): number {
    let limit = defaultKmh;
    for (const zone of this.zones) {
      const zoneLimit = zone.props.speedLimitKmh;
      if (typeof zoneLimit !== "number") continue;
      const applies = zone.kind === "route" ? this.inCorridor(zone, at) : zone.kind === "speed_zone" && inside(zone, at);
      if (applies) limit = Math.min(limit, zoneLimit);
    }
    return limit;
  }

  /** A loading or disposal site holding this point, or within `marginM` of it; disposal wins a tie. */
  siteAt(at: number[], marginM: number): SiteHit | null {
    const sites = this.zones.filter((z) => z.kind === "loading_site" || z.kind === "disposal_site");
    const near = sites.filter((zone) => inside(zone, at) || edgeDistanceM(zone, at) <= marginM);
    const hit = near.find((zone) => zone.kind === "disposal_site") ?? near[0];
    return hit === undefined ? null : { id: hit.id, kind: hit.kind as SiteHit["kind"] };
  }

  /** Inside an approved route's corridor, or a site (the route's two ends). */
  onRoute(at: number[]): boolean {
    return this.zones.some(
      (zone) =>
        (zone.kind === "route" && this.inCorridor(zone, at)) ||
        ((zone.kind === "loading_site" || zone.kind === "disposal_site") && inside(zone, at)),
    );
  }

  noGoAt(at: number[]): string | null {
    return this.zones.find((zone) => zone.kind === "no_go" && inside(zone, at))?.id ?? null;
  }

  private inCorridor(zone: MapZone, at: number[]): boolean {
    if (zone.geometry.type !== "LineString") return false;
    const widthM = typeof zone.props.widthM === "number" ? zone.props.widthM : 30;
    const distanceM = pointToLineDistance(point(at), lineString(zone.geometry.coordinates), { units: "meters" });
    return distanceM <= widthM / 2;
  }
}

function inside(zone: MapZone, at: number[]): boolean {
  const g = zone.geometry;
  return (g.type === "Polygon" || g.type === "MultiPolygon") && booleanPointInPolygon(point(at), g);
}

function edgeDistanceM(zone: MapZone, at: number[]): number {
  const g = zone.geometry;
  const rings = g.type === "Polygon" ? g.coordinates : g.type === "MultiPolygon" ? g.coordinates.flat() : [];
  const distances = rings.map((ring) => pointToLineDistance(point(at), lineString(ring), { units: "meters" }));
  return Math.min(Infinity, ...distances);
}
