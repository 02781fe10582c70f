/**
 * A zone file with every kind and every shape, clean for `zones check`: a loading site with a
 * hole (the site office), a disposal site in two parts, a night-only transfer station (a circle)
 * with validity dates, the haul road with per-segment widths and limits and a night limit, a
 * night-only link road, a village speed zone and a school no-go area in school hours.
 */
import { at, hole, HAUL_ROAD, NIGHT_LINK, PLACES, rectangle } from "./layout.js";

type Feature = {
  type: "Feature";
  properties: Record<string, unknown>;
  geometry: Record<string, unknown>;
};

export function allKinds(): { type: "FeatureCollection"; features: Feature[] } {
  return {
    type: "FeatureCollection",
    features: [
      zone(
        { id: "pit-7", name: "Pit 7 excavation", kind: "loading_site", speedLimitKmh: 15 },
        {
          type: "Polygon",
          coordinates: [rectangle(PLACES.pit, 300, 240), hole(PLACES.pitOffice, 60, 40)],
        },
      ),
      zone(
        { id: "east-quarry", name: "East quarry fill", kind: "disposal_site" },
        {
          type: "MultiPolygon",
          coordinates: [
            [rectangle(PLACES.quarry, 260, 260)],
            [rectangle(PLACES.quarryAnnex, 120, 120)],
          ],
        },
      ),
      zone(
        {
          id: "transfer-south",
          name: "South transfer station",
          kind: "disposal_site",
          radiusM: 120,
          activeHours: [{ from: "20:00", to: "06:00" }],
          validFrom: "2026-01-01",
          validTo: "2030-12-31",
        },
        { type: "Point", coordinates: at(PLACES.transfer) },
      ),
      zone(
        {
          id: "haul-road",
          name: "Haul road pit 7 to east quarry",
          kind: "route",
          speedLimitKmh: 50,
          night: { limitKmh: 30, hours: { from: "22:00", to: "06:00" } },
          segmentWidthsM: [40, 30, 30, 40, 40],
          segmentLimitsKmh: [15, null, 40, null, 15],
        },
        { type: "LineString", coordinates: HAUL_ROAD.map(at) },
      ),
      zone(
        {
          id: "night-link",
          name: "Night link to the transfer station",
          kind: "route",
          widthM: 30,
          speedLimitKmh: 40,
          activeHours: [{ from: "22:00", to: "05:00" }],
        },
        { type: "LineString", coordinates: NIGHT_LINK.map(at) },
      ),
      zone(
        {
          id: "village",
          name: "Xinqiao village",
          kind: "speed_zone",
          speedLimitKmh: 30,
          night: { limitKmh: 20, hours: { from: "22:00", to: "06:00" } },
        },
        { type: "Polygon", coordinates: [rectangle(PLACES.village, 600, 500)] },
      ),
      zone(
        {
          id: "school-gate",
          name: "No. 3 primary school",
          kind: "no_go",
          radiusM: 150,
          activeHours: [
            { from: "07:00", to: "08:30" },
            { from: "15:30", to: "17:30" },
          ],
        },
        { type: "Point", coordinates: at(PLACES.school) },
      ),
    ],
  };
}

function zone(properties: Record<string, unknown>, geometry: Record<string, unknown>): Feature {
  return { type: "Feature", properties, geometry };
}
