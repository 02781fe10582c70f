/**
 * `muck-agent status`: the agent's health for an installer at the gateway's shell.
 *
 * A running agent holds the outbox's LevelDB lock, so the health comes from the status file it
 * rewrites every few seconds (agent/health.ts). When the agent is stopped, the queue is read from
 * the outbox itself and the counters are those of the last snapshot before the stop.
 * Exit code: 0 running, 3 not running (as `systemctl status` does), 2 on an error.
 */
import { Command } from "commander";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MuckError } from "../errors.js";
import { ageS, readStatusFile, type HealthSnapshot } from "../health.js";
import { setLogLevel } from "../log.js";
import { Outbox } from "../outbox.js";

const DEFAULT_CONFIG = "/etc/muck-agent/config.json";
const DEFAULT_DATA_DIR = "/var/lib/muck-agent";
const NOT_RUNNING_EXIT = 3;

export interface StatusReport {
  state: "running" | "stopped";
  /** Where the queue figures come from. */
  source: "status-file" | "outbox";
  truckId: string | null;
  pid: number | null;
  fixAgeS: number | null;
  scaleSampleAgeS: number | null;
  queueDepth: number;
  queueByClass: Record<string, number> | null;
  oldestRecordAgeS: number | null;
  drops: HealthSnapshot["drops"] | null;
  reconnects: number | null;
  connected: boolean;
  lastPubackAt: string | null;
  lastPubackAgeS: number | null;
  /** When the snapshot the counters come from was written. */
  snapshotAt: string | null;
  devices: Record<string, string>;
}

export function statusCommand(): Command {
  return new Command("status")
    .description("show the agent's health: input ages, queue, drops, uplink (running or stopped)")
    .option("--config <file>", "the agent's config, for its dataDir", DEFAULT_CONFIG)
    .option("--json", "print the report as JSON", false)
    .addHelpText("after", "\nExit code: 0 running, 3 not running, 2 error.")
    .action(async (opts: { config: string; json: boolean }) => {
      setLogLevel("error");
      const { dataDir, intervalS } = readLocations(opts.config);
      const report = await statusOf(dataDir, intervalS);
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (report.state !== "running") process.exitCode = NOT_RUNNING_EXIT;
    });
}

/**
 * Only the data folder and the write interval are needed: the full config check would demand
 * read access to the key and password files, which the operator running `status` may lack.
 */
function readLocations(configFile: string): { dataDir: string; intervalS: number } {
  let config: { dataDir?: unknown; status?: { fileIntervalS?: unknown } };
  try {
    config = JSON.parse(readFileSync(configFile, "utf8").replace(/^\uFEFF/, "")) as typeof config;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const errorCode = code === "ENOENT" ? "CONFIG_NOT_FOUND" : "CONFIG_NOT_JSON";
    throw new MuckError(errorCode, `${configFile}: ${(error as Error).message}`);
  }
  const dataDir = typeof config.dataDir === "string" ? config.dataDir : DEFAULT_DATA_DIR;
  const intervalS = typeof config.status?.fileIntervalS === "number" ? config.status.fileIntervalS : 5;
  return { dataDir, intervalS };
}

export async function statusOf(dataDir: string, intervalS: number, nowMs = Date.now()): Promise<StatusReport> {
  const snapshot = readStatusFile(dataDir);
  if (snapshot !== null && isLive(snapshot, intervalS, nowMs)) return fromSnapshot(snapshot, "running", nowMs);

  const queue = await readOutbox(join(dataDir, "outbox"));
  if (queue === "locked") {
    // The store is held but the status file is stale or missing: an agent that cannot write it.
    if (snapshot !== null) return fromSnapshot(snapshot, "running", nowMs);
    const file = join(dataDir, "status.json");
    throw new MuckError("STATUS_UNAVAILABLE", `${dataDir}: the outbox is in use but no status file was written (${file})`);
  }

  const report = fromSnapshot(snapshot, "stopped", nowMs);
  report.source = "outbox";
  report.queueDepth = queue.depth;
  report.queueByClass = queue.byClass;
  report.oldestRecordAgeS = ageS(queue.oldestAt, nowMs);
  report.connected = false;
  return report;
}

/** Written by a process that still exists, recently enough, and not its goodbye. */
function isLive(snapshot: HealthSnapshot, intervalS: number, nowMs: number): boolean {
  if (!snapshot.running || !processExists(snapshot.pid)) return false;
  return nowMs - Date.parse(snapshot.writtenAt) < (3 * intervalS + 5) * 1000;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user (the agent's own, when an operator asks).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function fromSnapshot(s: HealthSnapshot | null, state: StatusReport["state"], nowMs: number): StatusReport {
  return {
    state,
    source: "status-file",
    truckId: s?.truckId ?? null,
    pid: state === "running" ? (s?.pid ?? null) : null,
    fixAgeS: state === "running" ? ageS(s?.lastFixAt ?? null, nowMs) : null,
    scaleSampleAgeS: state === "running" ? ageS(s?.lastScaleSampleAt ?? null, nowMs) : null,
    queueDepth: s?.queue.depth ?? 0,
    queueByClass: s?.queue.byClass ?? null,
    oldestRecordAgeS: ageS(s?.queue.oldestRecordAt ?? null, nowMs),
    drops: s?.drops ?? null,
    reconnects: s?.uplink.reconnects ?? null,
    connected: s?.uplink.connected ?? false,
    lastPubackAt: s?.uplink.lastPubackAt ?? null,
    lastPubackAgeS: ageS(s?.uplink.lastPubackAt ?? null, nowMs),
    snapshotAt: s?.writtenAt ?? null,
    devices: state === "running" ? (s?.devices ?? {}) : {},
  };
}

interface QueueFigures {
  depth: number;
  byClass: Record<string, number>;
  oldestAt: string | null;
}

async function readOutbox(folder: string): Promise<QueueFigures | "locked"> {
  const empty = { events: 0, trips: 0, positions: 0, weights: 0 };
  if (!existsSync(folder)) return { depth: 0, byClass: empty, oldestAt: null };
  actAsOwnerOf(folder);

  let outbox: Outbox;
  try {
    outbox = await Outbox.open(folder, { syncIntervalMs: 0, lockWaitMs: 0 });
  } catch (error) {
    if ((error as MuckError).code === "STORE_LOCKED") return "locked";
    throw error;
  }
  try {
    const oldest = await outbox.oldest();
    const byClass = {
      events: outbox.depthOf(0),
      trips: outbox.depthOf(1),
      positions: outbox.depthOf(2),
      weights: outbox.depthOf(3),
    };
    return { depth: outbox.depth, byClass, oldestAt: oldest?.receivedAt ?? null };
  } finally {
    await outbox.close();
  }
}

/**
 * Opening a LevelDB store writes to it (a new log file, the manifest). Run as root against the
 * service user's store, that would leave root-owned files the agent can no longer open: root
 * takes the store owner's identity first.
 */
function actAsOwnerOf(folder: string): void {
  const owner = statSync(folder);
  if (process.getuid?.() !== 0 || owner.uid === 0) return;
  process.setgid!(owner.gid);
  process.setuid!(owner.uid);
}

export function formatReport(r: StatusReport): string {
  const age = (s: number | null) => (s === null ? "none" : `${s} s`);
  const pairs = (record: Record<string, number | string>) => Object.entries(record).map(([k, v]) => `${k} ${v}`).join(", ");
  const sum = (record: Record<string, number>) => Object.values(record).reduce((total, n) => total + n, 0);

  const truck = `muck-agent ${r.truckId ?? "?"}`;
  const head = r.state === "running"
    ? `${truck}: running (pid ${r.pid})`
    : `${truck}: not running; queue read from the outbox, counters as of ${r.snapshotAt ?? "never (no status file)"}`;
  const d = r.drops;
  const drops = d === null
    ? "unknown"
    : `gps sentences ${d.gpsSentences}, fixes rejected ${sum(d.fixesRejected)}, ` +
      `not stored ${d.recordsNotAccepted}, thinned ${sum(d.recordsThinned)}`;
  const puback = r.lastPubackAt === null ? "none" : `${r.lastPubackAt} (${r.lastPubackAgeS} s ago)`;

  const lines = [
    head,
    `  fix age             ${age(r.fixAgeS)}`,
    `  scale sample age    ${age(r.scaleSampleAgeS)}`,
    `  queue depth         ${r.queueDepth}${r.queueByClass === null ? "" : ` (${pairs(r.queueByClass)})`}`,
    `  oldest record age   ${age(r.oldestRecordAgeS)}`,
    `  drops               ${drops}`,
    `  broker              ${r.connected ? "connected" : "not connected"}, reconnects ${r.reconnects ?? "unknown"}`,
    `  last PUBACK         ${puback}`,
  ];
  if (Object.keys(r.devices).length > 0) lines.push(`  devices             ${pairs(r.devices)}`);
  return `${lines.join("\n")}\n`;
}
