/**
 * The demo's map: the construction site at the start of the built-in route, the licensed
 * disposal site at its end, and the approved route between them as a corridor. Without them
 * every unload would be judged an illegal dump, which is what the agent must say about an
 * unload nowhere near a disposal site.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SHANGHAI_ROUTE } from "./trip.js";

export async function writeDemoZones(dir: string): Promise<string> {
  const start = SHANGHAI_ROUTE[0]!;
  const end = SHANGHAI_ROUTE.at(-1)!;
  const feature = (properties: Record<string, unknown>, geometry: Record<string, unknown>) => ({ type: "Feature", properties, geometry });

  const zones = {
    type: "FeatureCollection",
    features: [
      feature({ id: "SITE-PEOPLES-SQ", name: "People's Square excavation", kind: "loading_site", radiusM: 150 }, { type: "Point", coordinates: start }),
      feature({ id: "DUMP-HUANGPU", name: "Huangpu licensed disposal", kind: "disposal_site", radiusM: 150 }, { type: "Point", coordinates: end }),
      feature({ id: "ROUTE-DEMO", name: "Approved haul route", kind: "route", widthM: 80 }, { type: "LineString", coordinates: SHANGHAI_ROUTE }),
    ],
  };

  const file = join(dir, "zones.geojson");
  await writeFile(file, `${JSON.stringify(zones, null, 2)}\n`);
  return file;
}
