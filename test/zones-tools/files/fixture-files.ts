/** Every fixture file by its path below files/, as generate.ts writes it. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayCaptures } from "../../../agent/replay.js";
import { allKinds } from "./all-kinds.js";
import { haulDriveNmea } from "./drive.js";
import { haulGpx } from "./gpx.js";
import { invalidCases } from "./invalid.js";
import { sitesKml } from "./kml.js";

export async function fixtureFiles(): Promise<Record<string, string>> {
  const zones = `${JSON.stringify(allKinds(), null, 2)}\n`;
  const nmea = haulDriveNmea();
  const files: Record<string, string> = {
    "all-kinds.geojson": zones,
    "haul-road.gpx": haulGpx(),
    "sites.kml": sitesKml(),
    "haul-drive.nmea": nmea,
    "haul-events.ndjson": await replayEvents(zones, nmea),
  };
  for (const invalid of invalidCases()) files[`invalid/${invalid.name}.geojson`] = invalid.content;
  return files;
}

/** The events the agent's own pipeline finds in the drive, through a scratch folder. */
async function replayEvents(zones: string, nmea: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "muck-fixtures-"));
  try {
    await writeFile(join(dir, "zones.geojson"), zones);
    await writeFile(join(dir, "drive.nmea"), nmea);
    const lines: string[] = [];
    await replayCaptures(
      { gpsFile: join(dir, "drive.nmea"), zonesFile: join(dir, "zones.geojson"), print: "events" },
      (record) => lines.push(JSON.stringify(record)),
    );
    return lines.map((line) => `${line}\n`).join("");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
