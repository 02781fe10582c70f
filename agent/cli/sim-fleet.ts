/**
 * `muck-agent sim --fleet N`: the options of a fleet run and what it prints. The run itself is
 * simulator/fleet/fleet-run.ts. Output: a progress line on stderr, the end table on stdout (or
 * the JSON results with `--json -`), `--json FILE` for the results; exit 1 when a record was lost,
 * a truck did not start or the fleet did not recover from the outage.
 */
import { readFile, writeFile } from "node:fs/promises";

import { Command, InvalidArgumentError, Option } from "commander";

import { AgentConfigSchema } from "../../config/schema.js";
import { MuckError } from "../errors.js";
import type { LogLevel } from "../log.js";
import { runFleet, type FleetOptions } from "../../simulator/fleet/fleet-run.js";
import { waitForStop } from "../../simulator/stop-signal.js";
import { exitCodeOf, progressWriter, resultTable } from "../../simulator/fleet/fleet-report.js";

export interface FleetCliOptions {
  fleet?: number;
  url: string[];
  consumerUrl?: string;
  duration: number;
  speedFactor: number;
  recordPeriod: number;
  outageAt?: number;
  outage: number;
  outageMode: "blackhole" | "refuse";
  drainTimeout: number;
  protocolVersion: "4" | "5";
  agentConfig?: string;
  logLevel: LogLevel;
  startConcurrency: number;
  json?: string;
}

export function addFleetOptions(command: Command): Command {
  return command
    .option("--fleet <n>", "run N simulated trucks, each with its own agent (a worker thread) and data folder", count)
    .option("--url <url>", "fleet: broker URL; repeat it for the nodes of a cluster (trucks spread round robin)", collect, [])
    .option("--consumer-url <url>", "fleet: where the consumer subscribes (default: the first --url)")
    .option("--duration <s>", "fleet: driving time once every truck is up, s", seconds, 60)
    .option("--record-period <s>", "fleet: each truck sends a position at least this often (GPS time), s", seconds, 1)
    .option("--outage-at <s>", "fleet: cut the whole fleet this long after it is up, s (default: a third of --duration)", seconds)
    .option("--outage <s>", "fleet: length of the cell outage, s; 0 for none", seconds, 20)
    .addOption(new Option("--outage-mode <mode>", "fleet: blackhole (silent, flows stay dead) or refuse (connections reset)").choices(["blackhole", "refuse"]).default("blackhole"))
    .option("--drain-timeout <s>", "fleet: after driving stops, wait at most this long for the last records, s", seconds, 120)
    .addOption(new Option("--protocol-version <v>", "fleet: MQTT protocol level of agents and consumer").choices(["4", "5"]).default("4"))
    .option("--agent-config <file>", "fleet: JSON with agent config sections (mqtt, cadence, outbox, …) for every truck")
    .option("--log-level <level>", "fleet: the agents' log level (logs on stderr)", "error")
    .option("--start-concurrency <n>", "fleet: trucks started at once while the fleet comes up", count, 4)
    .option("--json <file>", "fleet: write the results as JSON to FILE (- for stdout instead of the table)");
}

export async function runFleetCommand(opts: FleetCliOptions & { fleet: number }): Promise<void> {
  if (opts.url.length === 0) throw new MuckError("USAGE", "sim --fleet needs --url mqtt://host:port (the broker)");
  const agentConfig = opts.agentConfig === undefined ? {} : await readAgentConfig(opts.agentConfig);

  // Ctrl-C or SIGTERM ends the driving early; the drain, the table and the exit code still come.
  const interrupt = new AbortController();
  void waitForStop().then(() => interrupt.abort());
  const result = await runFleet({
    signal: interrupt.signal,
    trucks: opts.fleet,
    brokerUrls: opts.url,
    consumerUrl: opts.consumerUrl,
    durationS: opts.duration,
    speedFactor: opts.speedFactor,
    recordPeriodS: opts.recordPeriod,
    outageAtS: opts.outageAt ?? opts.duration / 3,
    outageS: opts.outage,
    outageMode: opts.outageMode,
    drainTimeoutS: opts.drainTimeout,
    protocolVersion: opts.protocolVersion === "5" ? 5 : 4,
    topicPrefix: "muck",
    agentConfig,
    logLevel: opts.logLevel,
    startConcurrency: opts.startConcurrency,
    onProgress: progressWriter(process.stderr),
  });
  if (process.stderr.isTTY) process.stderr.write("\n");

  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (opts.json === "-") process.stdout.write(json);
  else process.stdout.write(`${resultTable(result)}\n`);
  if (opts.json !== undefined && opts.json !== "-") await writeFile(opts.json, json);
  process.exitCode = exitCodeOf(result);
}

/** The sections every truck gets; checked here once, not in 200 threads. */
async function readAgentConfig(file: string): Promise<FleetOptions["agentConfig"]> {
  let sections: FleetOptions["agentConfig"];
  try {
    sections = JSON.parse(await readFile(file, "utf8")) as FleetOptions["agentConfig"];
  } catch (error) {
    throw new MuckError("CONFIG_NOT_JSON", `${file}: ${(error as Error).message}`, { cause: error });
  }
  const check = AgentConfigSchema.safeParse({ ...sections, truckId: "FLEET-CHECK" });
  if (!check.success) {
    const problems = check.error.issues.map((issue) => `${file}: ${issue.path.join(".")}: ${issue.message}`);
    throw new MuckError("CONFIG_INVALID", problems.join("\n"));
  }
  return sections;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function count(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
  return value;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError("must be a number of seconds (0 or more)");
  return value;
}
