import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../agent/contracts.js";
import { RouteWatch } from "../../agent/detect/route-watch.js";
import type { TrackPoint } from "../../agent/detect/track-point.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone } from "../../config/zones/zone.js";
import { toLonLat, zoneFile } from "../../simulator/scenario/world.js";
import { detectConfig, point } from "./helpers.js";

// Helpers place points around 31.2 N, 121.4 E, the scenario world's origin: ROUTE-1 runs east along y = 0.
function index(overrides: Record<string, Record<string, unknown>> = {}) {
  const zones = zoneFile(["SITE-A", "ROUTE-1", "DUMP-B"], overrides).features.map(
    (f) => ({ ...f.properties, geometry: f.geometry }) as Zone,
  );
  // A second route of the fleet, north out of the pit.
  const north: Zone = {
    id: "ROUTE-2",
    name: "Pit A north",
    kind: "route",
    widthM: 40,
    geometry: { type: "LineString", coordinates: [toLonLat([0, 50]), toLonLat([0, 1500])] },
  };
  return buildZoneIndex([...zones, north], { timeZone: "Asia/Shanghai" });
}

/** 40 km/h east along the route to x = 600, 300 m south for a while, and back. */
function detour(startSecond = 0): TrackPoint[] {
  const path: Array<[number, number]> = [];
  for (let x = 100; x <= 600; x += 11) path.push([x, 0]);
  for (let y = 0; y >= -300; y -= 11) path.push([600, y]);
  for (let x = 600; x <= 1000; x += 11) path.push([x, -300]);
  for (let y = -300; y <= 0; y += 11) path.push([1000, y]);
  for (let x = 1000; x <= 1400; x += 11) path.push([x, 0]);
  return path.map(([x, y], i) => point(startSecond + i, 40, x, y));
}

function run(watch: RouteWatch, points: TrackPoint[]): AgentEvent[] {
  return points.flatMap((p) => {
    const event = watch.offer(p, true);
    return event === null ? [] : [event];
  });
}

const config = detectConfig();

describe("route deviation", () => {
  it("raises a deviation and a return for a detour off any route of the fleet", () => {
    const events = run(new RouteWatch(config.route, config.zones, index(), "Asia/Shanghai"), detour());
    expect(events.map((e) => e.type)).toEqual(["route_deviation", "route_return"]);
    expect(events[0]!.details).toMatchObject({ routeIds: ["ROUTE-1", "ROUTE-2"] });
    expect(events[1]!.details!.maxDistanceFromRouteM).toBeGreaterThan(250);
  });

  it("judges only the assigned routes: the configured ids, and routes in their hours", () => {
    // Assigned route 2 only: driving along route 1 is off route.
    const otherRoute = detectConfig({ route: { routeIds: ["ROUTE-2"] } });
    const onWrongRoute = run(
      new RouteWatch(otherRoute.route, otherRoute.zones, index(), "Asia/Shanghai"),
      detour(),
    );
    expect(onWrongRoute.map((e) => e.type)).toEqual(["route_deviation"]);
    expect(onWrongRoute[0]!.details).toMatchObject({ routeIds: ["ROUTE-2"] });

    // A night route at 16:00 local: the truck has no route now, so nothing to deviate from.
    const night = index({ "ROUTE-1": { activeHours: [{ from: "22:00", to: "06:00" }] } });
    const onlyRoute1 = detectConfig({ route: { routeIds: ["ROUTE-1"] } });
    expect(run(new RouteWatch(onlyRoute1.route, onlyRoute1.zones, night, "Asia/Shanghai"), detour())).toEqual(
      [],
    );
  });

  it("stops holding the truck to a route at the minute its hours end", () => {
    // The detour leaves the corridor about 46 s after 16:00 local and is judged 30 s later.
    const onlyRoute1 = detectConfig({ route: { routeIds: ["ROUTE-1"] } });
    const watch = (hours: { from: string; to: string }) =>
      new RouteWatch(onlyRoute1.route, onlyRoute1.zones, index({ "ROUTE-1": { activeHours: [hours] } }), "Asia/Shanghai");

    expect(run(watch({ from: "16:00", to: "17:00" }), detour()).map((e) => e.type)).toEqual(["route_deviation", "route_return"]);
    expect(run(watch({ from: "16:00", to: "16:01" }), detour())).toEqual([]);
  });

  it("keeps an open deviation across a restart and reports the return after it", () => {
    const points = detour();
    const first = new RouteWatch(config.route, config.zones, index(), "Asia/Shanghai");
    const cut = points.findIndex((p) => p.lon > point(0, 0, 900).lon && p.lat < point(0, 0, 0, -250).lat);
    expect(run(first, points.slice(0, cut)).map((e) => e.type)).toEqual(["route_deviation"]);

    const saved = first.snapshot();
    const second = new RouteWatch(config.route, config.zones, index(), "Asia/Shanghai");
    second.restore(saved);
    const events = run(second, points.slice(cut));
    expect(events.map((e) => e.type)).toEqual(["route_return"]);
    expect(events[0]!.startedAt).toBe(new Date(saved.offSinceMs!).toISOString());
  });
});
