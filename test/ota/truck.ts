/**
 * A truck for over-the-air tests, wired as `muck-agent run` wires it: the local config file, the
 * last-known-good bundles, the agent, the config manager on the uplink's control topics. The
 * agent runs in this process so the test can see every fix and every record as it happens.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { ConfigManager } from "../../agent/ota/config-manager.js";
import { loadStartupConfig } from "../../agent/ota/startup.js";
import { Agent } from "../../agent/runtime.js";

export interface TruckOptions {
  dir: string;
  gpsPath: string;
  url: string;
  truckId?: string;
  /** Config sections over the test defaults. */
  config?: Record<string, unknown>;
}

export interface Truck {
  agent: Agent;
  manager: ConfigManager;
  configFile: string;
  records: AgentRecord[];
  fixes: Fix[];
  /** Index in `fixes` of the first fix processed after each reconfigure. */
  reconfiguredAt: number[];
  stop(): Promise<void>;
}

export function truckConfig(options: TruckOptions): Record<string, unknown> {
  return {
    truckId: options.truckId ?? "TRK-OTA",
    dataDir: join(options.dir, "data"),
    gps: { path: options.gpsPath, silenceTimeoutS: 5, epochIdleMs: 30 },
    mqtt: { url: options.url, reconnectMinMs: 100, reconnectMaxMs: 300, connectTimeoutS: 2 },
    outbox: { syncIntervalMs: 20 },
    cadence: { minPeriodS: 5 },
    ...options.config,
  };
}

export async function startTruck(options: TruckOptions): Promise<Truck> {
  const configFile = join(options.dir, "truck.json");
  writeFileSync(configFile, JSON.stringify(truckConfig(options), null, 2));

  const startup = await loadStartupConfig(configFile);
  const agent = new Agent(startup.composed.config, startup.composed.zones);
  const manager = new ConfigManager(
    agent,
    startup.layers,
    startup.composed.zonesFrom,
    startup.publicKey,
    startup.trials,
  );
  agent.control = manager.subscription();

  const truck: Truck = {
    agent,
    manager,
    configFile,
    records: [],
    fixes: [],
    reconfiguredAt: [],
    stop: async () => {
      await agent.stop();
      manager.stop();
    },
  };
  agent.onRecord = (record) => truck.records.push(record);
  agent.onFix = (fix) => truck.fixes.push(fix);
  const reconfigure = agent.reconfigure.bind(agent);
  agent.reconfigure = (config, zones) => {
    truck.reconfiguredAt.push(truck.fixes.length);
    return reconfigure(config, zones);
  };
  await agent.start();
  return truck;
}

/** Events of one type, in record order. */
export function eventsOf(
  records: AgentRecord[],
  type: string,
): Array<{ startedAt: string; details: Record<string, unknown> }> {
  return records
    .filter((record) => record.kind === "event" && (record.body as { type?: string }).type === type)
    .map((record) => record.body as { startedAt: string; details: Record<string, unknown> });
}

/** Sequence numbers that are missing between the first and the last record. */
export function sequenceHoles(records: AgentRecord[]): number[] {
  const seqs = records.map((record) => record.seq).sort((a, b) => a - b);
  const holes: number[] = [];
  for (let seq = seqs[0]!; seq <= seqs.at(-1)!; seq++) if (!seqs.includes(seq)) holes.push(seq);
  return holes;
}
