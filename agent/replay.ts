/**
 * The offline pipeline behind `muck-agent replay`: a GPS capture (and optionally a load-cell
 * capture) through the same drivers and record pipeline the live agent uses. The gateway clock is
 * replaced by the capture's own GPS time, and sequence numbers start at 1, so the output is the
 * same on every run.
 *
 * Raw captures carry no arrival times, so the two files cannot be aligned exactly: the scale
 * bytes are spread evenly over the GPS capture's lines (a tenth of the scale file has been fed
 * when a tenth of the GPS lines has). Stated under Limitations in the README. Input changes
 * (`--inputs`) carry their own times and are fed just before the first fix at or after them.
 *
 * The detectors run as on the truck, with the zones of `--zones` (else the config's zone file).
 */
import { readFileSync, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { AgentRecord, Fix } from "./contracts.js";
import { MuckError } from "./errors.js";
import { toFixLine } from "./fix-line.js";
import { readInputsCapture } from "./inputs-capture.js";
import { RecordPipeline } from "./pipeline.js";
import { AgentConfigSchema, type AgentConfig } from "../config/schema.js";
import { loadConfig } from "../config/load.js";
import { buildZoneIndex } from "../config/zones/index.js";
import { loadZones } from "../config/zones/load.js";
import { loadZonesForConfig } from "../config/zones/for-config.js";
import type { ZoneIndex } from "../config/zones/zone.js";
import { forEachCaptureLine } from "../drivers/gps/capture.js";
import { GpsDecoder, type GpsStats } from "../drivers/gps/gps-decoder.js";
import { ScaleDriver } from "../drivers/scale/scale-driver.js";

export type ReplayPrint = "fixes" | "records" | "events";

export interface ReplayOptions {
  gpsFile: string;
  scaleFile?: string | undefined;
  configFile?: string | undefined;
  /** Zone file (GeoJSON); else the config's `zones.file`. */
  zonesFile?: string | undefined;
  /** Timestamped input changes (NDJSON, see inputs-capture.ts). */
  inputsFile?: string | undefined;
  print: ReplayPrint;
}

export interface ReplaySummary {
  gps: GpsStats;
  /** Fixes the fix gate rejected, by reason (invalid, hdop, jump). */
  gate: Record<string, number>;
  scale?: Record<string, number>;
  records: number;
}

export async function replayCaptures(options: ReplayOptions, write: (value: unknown) => void): Promise<ReplaySummary> {
  const config = options.configFile === undefined ? AgentConfigSchema.parse({ truckId: "REPLAY" }) : await loadConfig(options.configFile);
  let clockMs = 0;
  const clock = () => clockMs;
  let records = 0;
  let seq = 0;

  const pipeline = new RecordPipeline(config, { take: () => ++seq }, (record: AgentRecord) => {
    records++;
    if (options.print === "records" || (options.print === "events" && (record.kind === "event" || record.kind === "trip"))) write(record);
  }, clock);
  const zones = await replayZones(options, config);
  pipeline.detect({ config: config.detect, zones, timeZone: config.zones.timeZone, truckId: config.truckId });
  const inputs = options.inputsFile === undefined ? [] : readInputsCapture(options.inputsFile);
  const feedInputsUpTo = (atMs: number) => {
    for (; inputs.length > 0 && inputs[0]!.atMs <= atMs; inputs.shift()) pipeline.onInputs(inputs[0]!.state, inputs[0]!.atMs);
  };

  const onFix = (fix: Fix) => {
    if (fix.time !== null) clockMs = replayClock(clockMs, fix);
    if (options.print === "fixes") write(toFixLine(fix));
    if (fix.time !== null) feedInputsUpTo(clockMs);
    pipeline.onFix({ ...fix, receivedAtMs: clockMs, receivedMonoMs: clockMs });
  };
  const decoder = new GpsDecoder(onFix, clock, (report) => pipeline.onAntenna(report));
  const scale = options.scaleFile === undefined ? null : scaleFeeder(options.scaleFile, config, clock, pipeline);

  const lines: string[] = [];
  await forEachCaptureLine(options.gpsFile, (line) => lines.push(line));
  clockMs = firstGpsTimeMs(lines);
  lines.forEach((line, i) => {
    decoder.pushLine(line);
    scale?.feedUpTo((i + 1) / lines.length);
  });
  decoder.flush();
  feedInputsUpTo(Infinity);
  pipeline.finish(clockMs);

  return { gps: decoder.stats(), gate: pipeline.gateRejections(), ...(scale === null ? {} : { scale: scale.driver.counters() }), records };
}

/** `--zones` wins over the config's zone file; neither: an empty index (no zone is judged). */
async function replayZones(options: ReplayOptions, config: AgentConfig): Promise<ZoneIndex> {
  const timeZone = config.zones.timeZone;
  if (options.zonesFile !== undefined) return buildZoneIndex(await loadZones(options.zonesFile, { timeZone }), { timeZone });
  const configDir = options.configFile === undefined ? process.cwd() : dirname(resolve(options.configFile));
  return loadZonesForConfig(config, configDir);
}

const DAY_MS = 86_400_000;

/**
 * The replay's stand-in for the gateway clock. A valid fix's time is taken as it is. A fix
 * without a position may move it only forward, and by less than a day: before its first fix a
 * receiver reports its own free-running clock (1980 after a cold start), and a duration measured
 * from that would be decades long.
 */
function replayClock(clockMs: number, fix: Fix): number {
  const atMs = Date.parse(fix.time!);
  if (fix.valid) return atMs;
  return atMs > clockMs && atMs - clockMs < DAY_MS ? atMs : clockMs;
}

/** The capture's first valid fix, so records before it do not carry 1970 as their arrival time. */
function firstGpsTimeMs(lines: string[]): number {
  let first: number | null = null;
  const probe = new GpsDecoder((fix) => {
    if (first === null && fix.valid && fix.time !== null) first = Date.parse(fix.time);
  });
  for (const line of lines) {
    probe.pushLine(line);
    if (first !== null) break;
  }
  probe.flush();
  return first ?? 0;
}

function scaleFeeder(file: string, config: AgentConfig, clock: () => number, pipeline: RecordPipeline) {
  if (!existsSync(file)) throw new MuckError("CAPTURE_NOT_FOUND", `scale capture not found: ${file}`);
  const bytes = readFileSync(file);
  const scaleConfig = config.scale ?? AgentConfigSchema.parse({ truckId: "X", scale: { path: file } }).scale!;
  const driver = new ScaleDriver({ protocol: scaleConfig.protocol, weight: scaleConfig.weight, clock });
  driver.on("sample", (sample) => pipeline.onWeight(sample));
  let fed = 0;

  return {
    driver,
    feedUpTo(fraction: number) {
      const until = Math.floor(bytes.length * fraction);
      if (until > fed) driver.push(bytes.subarray(fed, until));
      fed = Math.max(fed, until);
    },
  };
}
