/**
 * The offline pipeline behind `muck-agent replay`: a GPS capture (and optionally a load-cell
 * capture) through the same drivers and record cadence the live agent uses, with the gateway
 * clock replaced by the capture's own time so the output is the same on every run.
 */
import type { Fix } from "./contracts.js";
import { forEachCaptureLine } from "../drivers/gps/capture.js";
import { GpsDecoder, type GpsStats } from "../drivers/gps/gps-decoder.js";
import { toFixLine } from "./fix-line.js";

export type ReplayPrint = "fixes" | "records" | "events";

export interface ReplayOptions {
  gpsFile: string;
  scaleFile?: string | undefined;
  configFile?: string | undefined;
  print: ReplayPrint;
}

export interface ReplaySummary {
  gps: GpsStats;
}

export async function replayCaptures(options: ReplayOptions, write: (value: unknown) => void): Promise<ReplaySummary> {
  const onFix = (fix: Fix) => {
    if (options.print === "fixes") write(toFixLine(fix));
  };

  const decoder = new GpsDecoder(onFix);
  await forEachCaptureLine(options.gpsFile, (line) => decoder.pushLine(line));
  decoder.flush();

  return { gps: decoder.stats() };
}
