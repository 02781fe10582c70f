/**
 * `muck-agent zones preview FILE --out map.svg`: the zone file drawn as an offline SVG map, with
 * a capture replayed through the agent's own pipeline (`--track`, as `muck-agent replay` reads
 * it) and the events of `replay --print events` (`--events`) where they happened.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { MuckError } from "../errors.js";
import { replayCaptures } from "../replay.js";
import { loadConfig } from "../../config/load.js";
import { AgentConfigSchema, type AgentConfig } from "../../config/schema.js";
import { checkZoneFile, DEFAULT_TIME_ZONE } from "../../config/zones/check.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { MapEvent } from "../../config/zones/preview/draw-track.js";
import { renderPreview } from "../../config/zones/preview/render.js";
import { judgeTrack, type TrackFix } from "../../config/zones/preview/track.js";
import { asText, plural, readZoneText } from "./zones-check.js";

export interface PreviewCommandOptions {
  out: string;
  track?: string;
  events?: string;
  config?: string;
  timeZone?: string;
}

export async function runZonesPreview(
  file: string,
  options: PreviewCommandOptions,
): Promise<number> {
  const config: AgentConfig =
    options.config === undefined
      ? AgentConfigSchema.parse({ truckId: "PREVIEW" })
      : await loadConfig(options.config);
  const timeZone =
    options.timeZone ?? (options.config === undefined ? DEFAULT_TIME_ZONE : config.zones.timeZone);

  const checked = checkZoneFile(await readZoneText(file), { source: file, timeZone });
  if (checked.errors.length > 0) {
    process.stderr.write(asText(file, checked));
    process.stderr.write(`${file}: not drawn; fix the errors first\n`);
    return 1;
  }

  const speed = config.detect.speed;
  const rules = { defaultLimitKmh: speed.defaultLimitKmh, toleranceKmh: speed.toleranceKmh };
  const fixes =
    options.track === undefined ? undefined : await trackFixes(options.track, file, options.config);
  const judged = fixes && judgeTrack(fixes, buildZoneIndex(checked.zones, { timeZone }), rules);
  const events = options.events === undefined ? [] : await readEvents(options.events);

  const svg = renderPreview({
    title: basename(file),
    timeZone,
    zones: checked.zones,
    ...(judged === undefined ? {} : { track: { fixes: judged, rules, maxGapS: speed.maxFixGapS } }),
    events,
  });
  await writeFile(options.out, svg);

  const over = judged?.filter((fix) => fix.speedClass === "over").length ?? 0;
  const track =
    judged === undefined ? "" : `, ${judged.length} fixes (${over} above limit + tolerance)`;
  process.stdout.write(
    `${options.out}: ${plural(checked.zones.length, "zone")}${track}, ${plural(events.length, "event")}\n`,
  );
  return 0;
}

/** Valid fixes of the capture, through the same decoder and replay clock as `muck-agent replay`. */
async function trackFixes(
  capture: string,
  zonesFile: string,
  configFile: string | undefined,
): Promise<TrackFix[]> {
  const fixes: TrackFix[] = [];
  await replayCaptures({ gpsFile: capture, zonesFile, configFile, print: "fixes" }, (value) => {
    const fix = value as {
      time: string | null;
      lat: number | null;
      lon: number | null;
      speedKmh: number | null;
      valid: boolean;
    };
    if (!fix.valid || fix.time === null || fix.lat === null || fix.lon === null) return;
    fixes.push({
      atMs: Date.parse(fix.time),
      lon: fix.lon,
      lat: fix.lat,
      speedKmh: fix.speedKmh ?? 0,
    });
  });
  return fixes;
}

/** Event records, one JSON object a line; a line that is not one is named on stderr and skipped. */
async function readEvents(file: string): Promise<MapEvent[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new MuckError(
      "CAPTURE_NOT_FOUND",
      `${file}: cannot read the events (${error.code ?? "error"})`,
      { cause: error },
    );
  });
  const events: MapEvent[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const event = toMapEvent(line);
    if (typeof event === "string") process.stderr.write(`${file}:${i + 1}: skipped: ${event}\n`);
    else if (event !== null) events.push(event);
  });
  return events;
}

function toMapEvent(line: string): MapEvent | string | null {
  let record: { kind?: unknown; body?: Record<string, unknown> };
  try {
    record = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (record.kind === "trip") return null; // a trip has no single place; its events are drawn
  const body = record.body;
  if (record.kind !== "event" || body === undefined)
    return 'not an event record (kind "event" with a body)';
  // An event without a position has nothing to draw.
  if (typeof body.lat !== "number" || typeof body.lon !== "number") return null;

  // The end of an episode (overspeed) carries where it started; draw it where it ended.
  const details = (body.details ?? {}) as Record<string, unknown>;
  const end = details.end as { lat?: unknown; lon?: unknown } | undefined;
  const atEnd =
    details.phase === "end" && typeof end?.lat === "number" && typeof end.lon === "number";
  return {
    type: String(body.type),
    severity: String(body.severity),
    lon: atEnd ? (end!.lon as number) : body.lon,
    lat: atEnd ? (end!.lat as number) : body.lat,
    at: String((atEnd ? body.endedAt : body.startedAt) ?? body.startedAt ?? ""),
    summary: summarize(details),
  };
}

function summarize(details: Record<string, unknown>): string {
  const parts: string[] = [];
  if (details.phase !== undefined) parts.push(String(details.phase));
  if (typeof details.speedKmh === "number") parts.push(`${Math.round(details.speedKmh)} km/h`);
  if (typeof details.limitKmh === "number") parts.push(`limit ${details.limitKmh}`);
  if (typeof details.maxSpeedKmh === "number")
    parts.push(`max ${Math.round(details.maxSpeedKmh)} km/h`);
  const zone = details.zoneName ?? details.zoneId;
  if (zone !== undefined && zone !== null) parts.push(String(zone));
  return parts.join(", ");
}
