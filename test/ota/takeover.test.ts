/**
 * A detection engine replacing another on a config reload (DetectionEngine's `previous`): open
 * state carries over — a site the truck is in is not entered again, an open overspeed episode
 * ends once instead of starting twice — while the new settings and zones judge the next fix.
 */
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../agent/contracts.js";
import { DetectionEngine } from "../../agent/detect/engine.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone } from "../../config/zones/zone.js";
import { LAT0, LON0, detectConfig, fix } from "../detect/helpers.js";

const D = 0.02;
const site: Zone = {
  id: "pit",
  name: "Pit",
  kind: "loading_site",
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [LON0 - D, LAT0 - D],
        [LON0 + D, LAT0 - D],
        [LON0 + D, LAT0 + D],
        [LON0 - D, LAT0 + D],
        [LON0 - D, LAT0 - D],
      ],
    ],
  },
};
const slowRoad: Zone = { ...site, id: "road", name: "Road", kind: "speed_zone", speedLimitKmh: 20 };

function engine(
  zones: Zone[],
  speed: Record<string, unknown>,
  events: AgentEvent[],
  previous?: DetectionEngine,
) {
  const setup = {
    config: detectConfig({ speed }),
    zones: buildZoneIndex(zones, { timeZone: "Asia/Shanghai" }),
    timeZone: "Asia/Shanghai",
    truckId: "T1",
  };
  const output = { event: (event: AgentEvent) => String(events.push(event)), trip: () => undefined };
  return new DetectionEngine(setup, output, previous);
}

describe("a detection engine taking over on a reload", () => {
  it("keeps the site the truck is in and the open overspeed episode, and judges the next fix by the new limit", () => {
    const events: AgentEvent[] = [];
    const speed = { defaultLimitKmh: 30, minDurationS: 0, toleranceKmh: 0, clearDurationS: 2 };
    const before = engine([site], speed, events);
    let eastM = 0;
    const drive = (on: DetectionEngine, from: number, to: number, speedKmh: number) => {
      for (let s = from; s < to; s++) {
        on.onFix(fix(s, { speedKmh, eastM }), true);
        eastM += speedKmh / 3.6;
      }
    };
    drive(before, 0, 60, 40);
    const summary = () =>
      events.map(
        (e) => `${e.type}${e.details?.phase === undefined ? "" : ` ${String(e.details.phase)}`}`,
      );
    expect(summary()).toEqual(["overspeed start", "zone_enter"]);

    // New zones (a slower speed zone over the pit) and a new default limit.
    const after = engine([site, slowRoad], { ...speed, defaultLimitKmh: 50 }, events, before);
    drive(after, 60, 70, 40);
    expect(summary()).toEqual(["overspeed start", "zone_enter"]);
    drive(after, 70, 80, 15);
    expect(summary()).toEqual(["overspeed start", "zone_enter", "overspeed end"]);

    // The zone's 20 km/h now applies where the default was 30 before: 25 km/h is over it.
    drive(after, 80, 90, 25);
    expect(summary().at(-1)).toBe("overspeed start");
    expect(events.at(-1)!.details).toMatchObject({ limitKmh: 20, zoneId: "road" });
  });
});
