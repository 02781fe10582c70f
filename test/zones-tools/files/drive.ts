/**
 * A truck's drive along the haul road as its receiver reports it (NMEA from the simulator's
 * sentence writer), with a speed that breaks the limits on the way: 45 km/h through the village
 * (30) and on the 40 km/h segment, then 42 km/h on the 50 km/h stretch to the quarry.
 */
import { driveEpochs } from "../../../simulator/drive.js";
import { epochSentences } from "../../../simulator/nmea-sentences.js";
import { Route } from "../../../simulator/route.js";
import { at, HAUL_ROAD } from "./layout.js";

export const DRIVE_START = "2026-03-02T01:00:00Z"; // 09:00 in Shanghai

export function haulDriveNmea(): string {
  const route = new Route(HAUL_ROAD.map(at));
  const epochs = driveEpochs({
    route,
    startTimeMs: Date.parse(DRIVE_START),
    speed: [
      { distanceM: 130, speedKmh: 12 },
      { distanceM: 2450, speedKmh: 45 },
      { distanceM: 1470, speedKmh: 42 },
      { speedKmh: 12 },
    ],
  });

  const lines: string[] = [];
  for (const epoch of epochs) lines.push(...epochSentences(epoch));
  return `${lines.join("\r\n")}\r\n`;
}
