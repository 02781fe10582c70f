/**
 * Where the gpsd receiver captures are: $MUCK_GPSD_DATA, or ../shared/data/nmea/gpsd beside the
 * checkout (where CI has them). They are never copied into the project.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export const GPSD_DATA_DIR = process.env.MUCK_GPSD_DATA ?? resolve(repoRoot, "../shared/data/nmea/gpsd");

export const gpsdDataPresent = existsSync(join(GPSD_DATA_DIR, "SOURCE.md"));

/** In CI the data must be there: a skipped comparison would prove nothing. */
export function requireGpsdData(): void {
  if (gpsdDataPresent) return;

  const message =
    `gpsd captures not found at ${GPSD_DATA_DIR}: set MUCK_GPSD_DATA to a copy of ` +
    `shared/data/nmea/gpsd to run the real-receiver comparison`;
  if (process.env.CI === "true") throw new Error(message);
  process.stderr.write(`SKIPPED: ${message}\n`);
}

export function gpsdLogs(): string[] {
  if (!gpsdDataPresent) return [];
  return readdirSync(GPSD_DATA_DIR).filter((f) => f.endsWith(".log")).sort();
}
