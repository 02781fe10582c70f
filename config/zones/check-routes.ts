/**
 * Routes that never connect a loading site to a disposal site. A haul may use several routes
 * that meet (a site access road joining a main road), so routes that meet form one network;
 * each network must reach a loading site and a disposal site. A route that reaches only one
 * side is probably cut short, drawn from the wrong file, or its sites are missing.
 *
 * A route reaches a site when its centre line crosses the site or a vertex lies within half the
 * corridor's width of it; two routes meet when their centre lines cross or one's end lies in the
 * other's corridor.
 */
import booleanIntersects from "@turf/boolean-intersects";
import { finding, type Finding, type PlacedZone } from "./check-finding.js";
import { compileShape, type ZoneShape } from "./shapes.js";
import { segmentWidthsM, zoneArea } from "./zone-area.js";
import type { Zone } from "./zone.js";

interface Route {
  placed: PlacedZone;
  line: GeoJSON.LineString;
  shape: ZoneShape;
  /** Half the corridor's width at each vertex (the wider of its two segments). */
  vertexHalfWidthsM: number[];
}

interface Site {
  zone: Zone;
  shape: ZoneShape;
  area: ReturnType<typeof zoneArea>;
}

export function unconnectedRoutes(zones: readonly PlacedZone[]): Finding[] {
  const routes = zones.filter(isRoute).map(toRoute);
  if (routes.length === 0) return [];

  const sitesOf = (kind: Zone["kind"]) =>
    zones.filter(({ zone }) => zone.kind === kind).map(({ zone }) => toSite(zone));
  const loading = sitesOf("loading_site");
  const disposal = sitesOf("disposal_site");

  const network = networks(routes);
  const reachesLoading = new Set<number>();
  const reachesDisposal = new Set<number>();
  routes.forEach((route, i) => {
    if (loading.some((site) => reaches(route, site))) reachesLoading.add(network[i]!);
    if (disposal.some((site) => reaches(route, site))) reachesDisposal.add(network[i]!);
  });

  return routes.flatMap((route, i) => {
    const toLoading = reachesLoading.has(network[i]!);
    const toDisposal = reachesDisposal.has(network[i]!);
    if (toLoading && toDisposal) return [];
    return [missing(route.placed.index, toLoading, toDisposal, loading.length, disposal.length)];
  });
}

function isRoute({ zone }: PlacedZone): boolean {
  return zone.kind === "route" && zone.geometry.type === "LineString";
}

function toRoute(placed: PlacedZone): Route {
  const line = placed.zone.geometry as GeoJSON.LineString;
  const halfWidths = segmentWidthsM(placed.zone).map((widthM) => widthM / 2);
  const vertexHalfWidthsM = line.coordinates.map((_, k) =>
    Math.max(halfWidths[k - 1] ?? 0, halfWidths[k] ?? 0),
  );
  return { placed, line, shape: compileShape(placed.zone), vertexHalfWidthsM };
}

function toSite(zone: Zone): Site {
  return { zone, shape: compileShape(zone), area: zoneArea(zone) };
}

function reaches(route: Route, site: Site): boolean {
  const near = route.line.coordinates.some(
    ([lon, lat], k) => site.shape.place(lon!, lat!).distanceM <= route.vertexHalfWidthsM[k]!,
  );
  return near || booleanIntersects(route.line, site.area);
}

/** The network (a component of routes that meet) of each route, by union–find. */
function networks(routes: Route[]): number[] {
  const parent = routes.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));

  routes.forEach((a, i) => {
    routes.slice(0, i).forEach((b, j) => {
      if (meet(a, b)) parent[root(i)] = root(j);
    });
  });
  return routes.map((_, i) => root(i));
}

function meet(a: Route, b: Route): boolean {
  return endInside(a, b) || endInside(b, a) || booleanIntersects(a.line, b.line);
}

function endInside(from: Route, into: Route): boolean {
  const ends = [0, from.line.coordinates.length - 1];
  return ends.some((k) => {
    const [lon, lat] = from.line.coordinates[k]!;
    return into.shape.place(lon!, lat!).distanceM <= from.vertexHalfWidthsM[k]!;
  });
}

function missing(
  index: number,
  toLoading: boolean,
  toDisposal: boolean,
  loadingSites: number,
  disposalSites: number,
): Finding {
  const lack = (kind: string, sites: number) =>
    sites === 0 ? `the file has no ${kind} site` : `it reaches no ${kind} site`;
  const lacks = [
    toLoading ? "" : lack("loading", loadingSites),
    toDisposal ? "" : lack("disposal", disposalSites),
  ];
  return finding(
    "warning",
    "route_unconnected",
    { index },
    {
      message:
        `route never connects a loading site to a disposal site: ` +
        `${lacks.filter(Boolean).join("; ")} (alone or through the routes it meets)`,
      expected: "a route network reaching a loading site and a disposal site",
      found: toLoading ? "a loading site only" : toDisposal ? "a disposal site only" : "no site",
    },
  );
}
