/**
 * A scenario through `muck-agent replay` instead of live devices: its seconds written as the
 * capture files replay reads (gps.nmea, scale.txt, inputs.ndjson, zones.geojson, config.json),
 * then the real pipeline over them. Fast and exact — the detection tests run every library
 * scenario this way. Rig faults (unplugs, broker outages) have no meaning in a file and only
 * leave their gap in the bytes.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { AgentRecord } from "../../agent/contracts.js";
import { replayCaptures } from "../../agent/replay.js";
import { scenarioAgentConfig } from "./agent-config.js";
import type { CompiledScenario } from "./compile.js";
import type { Reported } from "./verdict.js";

export interface StreamFiles {
  gps: string;
  scale?: string;
  inputs?: string;
  zones: string;
  config: string;
}

export async function writeStreams(compiled: CompiledScenario, outDir: string): Promise<StreamFiles> {
  const { scenario, timeline, resolved } = compiled;
  const files: StreamFiles = {
    gps: join(outDir, "gps.nmea"),
    zones: join(outDir, "zones.geojson"),
    config: join(outDir, "config.json"),
  };
  await writeFile(files.gps, timeline.ticks.map((tick) => tick.gps).join(""), "latin1");
  await writeFile(files.zones, JSON.stringify(resolved.agentZones, null, 1));
  const config = scenarioAgentConfig(scenario, { dataDir: join(outDir, "data") });
  await writeFile(files.config, JSON.stringify(config, null, 1));

  if (scenario.scale !== undefined) {
    files.scale = join(outDir, "scale.txt");
    await writeFile(files.scale, timeline.ticks.map((tick) => tick.scale).join(""), "latin1");
  }
  if (scenario.inputs !== undefined) {
    files.inputs = join(outDir, "inputs.ndjson");
    const iso = (s: number) => new Date(timeline.startMs + s * 1000).toISOString();
    const lines = timeline.ticks.filter((tick) => tick.inputs !== null).map((tick) => JSON.stringify({ t: iso(tick.s), ...tick.inputs }));
    await writeFile(files.inputs, lines.map((line) => `${line}\n`).join(""));
  }
  return files;
}

/** Every record the pipeline makes over the scenario's files, each with when it was made. */
export async function replayScenario(compiled: CompiledScenario, outDir: string): Promise<Reported[]> {
  const files = await writeStreams(compiled, outDir);
  const reported: Reported[] = [];
  await replayCaptures(
    {
      gpsFile: files.gps,
      scaleFile: files.scale,
      inputsFile: files.inputs,
      zonesFile: files.zones,
      configFile: files.config,
      print: "records",
    },
    (value) => {
      const record = value as AgentRecord;
      // replay's clock is the GPS time of the last fix: the moment the truck decided.
      const raisedS = (Date.parse(record.receivedAt) - compiled.timeline.startMs) / 1000;
      reported.push({ record, raisedS });
    },
  );
  return reported;
}
