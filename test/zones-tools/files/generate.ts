/**
 * Writes the zone-tool fixtures beside this script: `npx tsx test/zones-tools/files/generate.ts`.
 * test/zones-tools/files.test.ts fails when a committed file differs from what this writes.
 *
 *   all-kinds.geojson     every zone kind and shape, clean for `zones check`
 *   invalid/*.geojson     the same file with one defect each (invalid.ts says which)
 *   haul-road.gpx         a route and a recorded track as a GPS editor exports them
 *   sites.kml             sites in folders as Google Earth Pro saves them
 *   haul-drive.nmea       a truck's receiver output driving the haul road too fast
 *   haul-events.ndjson    what `muck-agent replay --print events` finds in that drive
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixtureFiles } from "./fixture-files.js";

const here = import.meta.dirname;
for (const [name, content] of Object.entries(await fixtureFiles())) {
  mkdirSync(join(here, name, ".."), { recursive: true });
  writeFileSync(join(here, name), content);
}
process.stdout.write(`${here}: fixtures written\n`);
