/**
 * A fleet run: N trucks, each with its own agent and data folder, against one broker (or several
 * nodes of a cluster, the trucks spread over them round robin), with a consumer on the platform's
 * side and one whole-fleet cell outage in the middle.
 *
 *   trucks come up ─▶ steady driving ─▶ outage (all at once) ─▶ restore ─▶ … ─▶ driving stops
 *   ─▶ drain (until every accepted record is received, or the drain timeout) ─▶ agents stop
 *
 * Recovery: from the restore until every truck is connected again and every record accepted
 * before the restore has reached the consumer.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import type { AgentConfigInput } from "../../config/schema.js";
import type { LogLevel } from "../../agent/log.js";
import { CellLink, type OutageMode } from "./cell-link.js";
import { FleetBooks, type BooksTotals } from "./fleet-books.js";
import { FleetConsumer } from "./fleet-consumer.js";
import { FleetMetrics, type SpreadSummary } from "./fleet-metrics.js";
import { FleetTruck } from "./fleet-truck.js";
import { LatencyHistogram, type LatencySummary } from "./latency.js";

export interface FleetOptions {
  trucks: number;
  /** Broker URLs (mqtt://host:port); trucks are spread over them round robin. */
  brokerUrls: string[];
  /** Where the consumer subscribes; default the first broker. */
  consumerUrl?: string;
  /** Driving time after the last truck is up, s. */
  durationS: number;
  speedFactor: number;
  /** A position at least this often (GPS time), s: the load each truck puts on the broker. */
  recordPeriodS: number;
  /** Outage start after the last truck is up, s; its length, s (0: no outage). */
  outageAtS: number;
  outageS: number;
  outageMode: OutageMode;
  /** After driving stops, wait this long at most for the last records, s. */
  drainTimeoutS: number;
  protocolVersion: 4 | 5;
  topicPrefix: string;
  /** Agent config sections merged under each truck's own (mqtt, cadence, outbox, …). */
  agentConfig: Omit<Partial<AgentConfigInput>, "truckId" | "dataDir">;
  logLevel: LogLevel;
  /** Trucks started at once while the fleet comes up. */
  startConcurrency: number;
  /** Parent of the run's folder; default the system's temporary directory. */
  dir?: string;
  onProgress?: (progress: FleetProgress) => void;
  /** Aborting ends the driving early (Ctrl-C): an outage in progress is lifted, then the drain. */
  signal?: AbortSignal;
}

export interface FleetProgress {
  phase: "starting" | "driving" | "outage" | "draining";
  elapsedS: number;
  started: number;
  trucks: number;
  connected: number;
  published: number;
  delivered: number;
  undelivered: number;
}

export interface FleetResult {
  trucks: number;
  started: number;
  brokers: string[];
  durationS: number;
  speedFactor: number;
  recordPeriodS: number;
  startupS: number;
  connections: { connects: number; peakOpen: number; rampConnectsPerS: number | null; peakConnectsPerS: number };
  /** Record PUBLISH packets; the rate is over the driving time, with every truck up. */
  publish: { published: number; perS: number };
  pubackLatency: LatencySummary;
  endToEndLatency: LatencySummary;
  records: BooksTotals;
  outage: null | {
    mode: OutageMode;
    lengthS: number;
    reconnect: SpreadSummary | null;
    /** Null when the fleet had not recovered by the end of the drain. */
    recoveryS: number | null;
  };
  drainS: number;
  /** Trucks that lost records, with some of their missing sequence numbers. */
  losses: Record<string, number[]>;
  failures: string[];
}

const PROGRESS_EVERY_MS = 2000;

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const runDir = await mkdtemp(join(options.dir ?? tmpdir(), "muck-fleet-"));
  const books = new FleetBooks();
  const metrics = new FleetMetrics();
  const endToEnd = new LatencyHistogram();
  const consumer = new FleetConsumer(books, endToEnd);
  const links: CellLink[] = [];
  const trucks: FleetTruck[] = [];

  try {
    for (const url of options.brokerUrls) links.push(await startLink(url, options.protocolVersion, metrics));
    await consumer.start({
      url: options.consumerUrl ?? options.brokerUrls[0]!,
      topicPrefix: options.topicPrefix,
      protocolVersion: options.protocolVersion,
      clientId: `muck-fleet-consumer-${process.pid}`,
    });
    // Truck ids unique to this run: a broker keeps sessions, and an earlier run's must not mix in.
    const runTag = Math.random().toString(36).slice(2, 6).toUpperCase();
    for (let i = 0; i < options.trucks; i++) {
      const truckId = `F${runTag}-${String(i + 1).padStart(3, "0")}`;
      const link = links[i % links.length]!;
      trucks.push(new FleetTruck({
        truckId,
        dir: join(runDir, truckId),
        config: truckConfig(options, link.url),
        speedFactor: options.speedFactor,
        // Spread along the road, so the trucks do not stop and start in step.
        offsetS: (i * 97) % 600,
        logLevel: options.logLevel,
      }, books));
    }
    return await drive(options, { books, metrics, endToEnd, links, trucks });
  } finally {
    await Promise.all(trucks.map((truck) => truck.stop().catch(() => undefined)));
    await consumer.stop();
    await Promise.all(links.map((link) => link.close()));
    await rm(runDir, { recursive: true, force: true });
  }
}

interface Parts {
  books: FleetBooks;
  metrics: FleetMetrics;
  endToEnd: LatencyHistogram;
  links: CellLink[];
  trucks: FleetTruck[];
}

async function drive(options: FleetOptions, parts: Parts): Promise<FleetResult> {
  const { books, metrics, links, trucks } = parts;
  const t0 = performance.now();
  let phase: FleetProgress["phase"] = "starting";
  const report = () => options.onProgress?.(progress(phase, t0, parts));
  const ticker = setInterval(report, PROGRESS_EVERY_MS);

  try {
    const failures = await startAll(trucks, options.startConcurrency, options.signal);
    const upAtMs = performance.now();
    const publishedAtUp = metrics.published;
    phase = "driving";
    const pause = (s: number) => sleep(s * 1000, undefined, { signal: options.signal }).catch(() => undefined);

    // The outage: all links fail at once, and come back at once.
    let restoreAtMs: number | null = null;
    const recovery = { atMs: null as number | null };
    let unwatch = () => undefined as void;
    const outageLengthS = Math.min(options.outageS, Math.max(0, options.durationS - options.outageAtS));
    const outage = outageLengthS > 0 ? (async () => {
      await pause(options.outageAtS);
      if (options.signal?.aborted === true) return;
      phase = "outage";
      for (const link of links) link.fail(options.outageMode);
      await pause(outageLengthS);
      restoreAtMs = performance.now();
      books.openBacklog();
      metrics.markRestore(restoreAtMs);
      for (const link of links) link.restore();
      const started = trucks.filter((truck) => truck.started).length;
      unwatch = watchRecovery(parts, started, () => (recovery.atMs = performance.now()));
      phase = "driving";
    })() : Promise.resolve();

    await pause(options.durationS);
    await outage;
    const drivingS = (performance.now() - upAtMs) / 1000;
    const publishedDriving = metrics.published - publishedAtUp;
    phase = "draining";
    for (const truck of trucks) truck.stopDriving();
    const drainFromMs = performance.now();
    const started = trucks.filter((truck) => truck.started).length;
    await drainAndRecover(parts, options.drainTimeoutS * 1000, () => restoreAtMs === null || recovery.atMs !== null);
    unwatch();
    const endMs = performance.now();
    report();
    books.freeze();
    // The books close when every agent has stopped and said what it still holds.
    await Promise.all(trucks.map((truck) => truck.stop().catch(() => undefined)));

    return {
      trucks: trucks.length,
      started,
      brokers: options.brokerUrls,
      durationS: round(drivingS),
      speedFactor: options.speedFactor,
      recordPeriodS: options.recordPeriodS,
      startupS: round((upAtMs - t0) / 1000),
      connections: {
        connects: metrics.connects,
        // Per broker, added up: the links peak together (every truck connected).
        peakOpen: links.reduce((sum, link) => sum + link.peakOpen, 0),
        rampConnectsPerS: metrics.rampConnectsPerS(),
        peakConnectsPerS: metrics.peakConnectsPerS(),
      },
      publish: { published: metrics.published, perS: round(publishedDriving / drivingS) },
      pubackLatency: metrics.pubackSummary(),
      endToEndLatency: parts.endToEnd.summary(),
      records: books.totals(),
      outage: outageLengthS === 0 ? null : {
        mode: options.outageMode,
        lengthS: outageLengthS,
        reconnect: metrics.reconnectSpread(),
        recoveryS: recovery.atMs === null || restoreAtMs === null ? null : round((recovery.atMs - restoreAtMs) / 1000),
      },
      drainS: round((endMs - drainFromMs) / 1000),
      losses: books.lossesByTruck(),
      failures,
    };
  } finally {
    clearInterval(ticker);
  }
}

/** Starts the trucks a few at a time (each thread loads the whole agent); returns the failures. */
async function startAll(trucks: FleetTruck[], concurrency: number, signal?: AbortSignal): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < trucks.length && signal?.aborted !== true) {
      const truck = trucks[next++]!;
      await truck.start().catch((error: Error) => failures.push(error.message));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return failures;
}

/**
 * Waits until every accepted record is received and, after an outage, the fleet has recovered
 * (a slow fleet recovers during the drain), or the timeout.
 */
async function drainAndRecover(parts: Parts, timeoutMs: number, recoveredOrNoOutage: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (parts.books.undelivered() === 0 && recoveredOrNoOutage()) return;
    await sleep(100);
  }
}

function recovered(parts: Parts, started: number): boolean {
  return parts.metrics.backAfterRestore.size >= started && parts.books.backlogLeft() === 0;
}

/** After the restore, checks every 100 ms whether the fleet is back; returns what stops the watch. */
function watchRecovery(parts: Parts, started: number, onRecovered: () => void): () => void {
  const timer = setInterval(() => {
    if (!recovered(parts, started)) return;
    clearInterval(timer);
    onRecovered();
  }, 100);
  return () => clearInterval(timer);
}

function truckConfig(options: FleetOptions, url: string): AgentConfigInput {
  const base = options.agentConfig;
  const period = options.recordPeriodS;
  return {
    ...base,
    truckId: "set-per-truck",
    log: { level: options.logLevel },
    mqtt: { ...base.mqtt, url, protocolVersion: options.protocolVersion, topicPrefix: options.topicPrefix },
    // A position every `period` while moving and while stopped: a steady, known load per truck.
    cadence: { minPeriodS: period, heartbeatS: period, ...base.cadence },
  };
}

async function startLink(url: string, protocolVersion: 4 | 5, metrics: FleetMetrics): Promise<CellLink> {
  const broker = new URL(url);
  if (broker.protocol !== "mqtt:") throw new Error(`fleet: only mqtt:// brokers can sit behind the cell link, got ${url}`);
  const link = new CellLink({ brokerHost: broker.hostname, brokerPort: Number(broker.port || 1883), protocolVersion });
  await link.start();
  metrics.watch(link);
  return link;
}

function progress(phase: FleetProgress["phase"], t0: number, parts: Parts): FleetProgress {
  const totals = parts.books.totals();
  return {
    phase,
    elapsedS: Math.round((performance.now() - t0) / 1000),
    started: parts.trucks.filter((truck) => truck.started).length,
    trucks: parts.trucks.length,
    connected: parts.links.reduce((sum, link) => sum + link.open, 0),
    published: parts.metrics.published,
    delivered: totals.delivered,
    undelivered: totals.lost,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
