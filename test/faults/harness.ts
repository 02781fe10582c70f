/**
 * The fault-injection rig: the real agent as a child process on virtual serial devices, fed
 * compressed truck time, publishing to a real broker, with a subscriber on the platform's side
 * and the test's books (Ledger) between them. Tests inject the faults (kill -9, broker restarts,
 * link outages) and end with `finish()` and the oracle (oracle.ts).
 *
 *   FaultFeed ──pty──▶ agent (node --import tsx agent/cli/main.ts run --print-records)
 *                        │ stdout: accepted records ──▶ Ledger.accept
 *                        └ MQTT ──▶ [FaultLink] ──▶ mosquitto ──▶ FaultSubscriber ──▶ Ledger.deliver
 *
 * After every kill -9 the rig copies the outbox folder (so the agent still recovers its own,
 * untouched store) and books what the copy holds that the agent never reported (ledger.ts).
 */
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ClassicLevel } from "classic-level";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { AgentProcess } from "./agent-process.js";
import { FaultFeed } from "./feed.js";
import { Ledger } from "./ledger.js";
import { checkOracle, type FreshRoundTrip, type OracleReport } from "./oracle.js";
import { FaultSubscriber, type LiveStatus } from "./subscriber.js";
import type { DutyCycle } from "./truck-time.js";

type Section = Record<string, unknown>;

/** Serial settings of both devices: quick to notice silence and to reopen. */
const SERIAL = { silenceTimeoutS: 3, reopenMinMs: 100, reopenMaxMs: 500 };

export interface RigOptions {
  /** Where the agent connects: the broker, or a FaultLink in front of it. */
  agentUrl: string;
  /** Where the subscriber connects: the broker itself. */
  consumerUrl: string;
  truckId?: string;
  /** Truck epochs (100 ms each) written per wall second. */
  epochsPerS: number;
  cycle?: DutyCycle;
  /** Keep every record in a ReferenceConsumer too (memory grows with the run). Default true. */
  reference?: boolean;
  /** The agent's log.level; default info. */
  logLevel?: string;
  /** Node options for the agent process, e.g. a heap cap. */
  nodeArgs?: string[];
  /** Config sections merged over the rig's defaults. */
  agent?: { mqtt?: Section; outbox?: Section; backfill?: Section; cadence?: Section; identity?: Section };
  /** Keep every record message the subscriber receives (FaultSubscriber.saved). */
  saveMessages?: boolean;
}

export interface AgentRun {
  index: number;
  firstSeq: number | null;
  lastSeq: number | null;
  accepted: number;
  end: "running" | "killed" | "stopped";
}

export class FaultRig {
  readonly ledger: Ledger;
  readonly subscriber: FaultSubscriber;
  readonly runs: AgentRun[] = [];
  /** Sequence numbers that went backwards or were reused across runs. */
  readonly sequenceFailures: string[] = [];
  agent: AgentProcess | null = null;
  maxRssKb = 0;
  maxDiskBytes = 0;
  /** What the test says is going on; other than `online`, every disk sample is kept per phase. */
  diskPhase = "online";
  readonly diskSamples: Record<string, number[]> = {};
  /** The agent's last live status before the clean stop, everything delivered. */
  statusAtEnd: LiveStatus | null = null;
  /** Records left in the store by the final clean stop (accepted while stopping). */
  leftInStore = new Set<number>();
  private fresh: { afterSeq: number; seq: number | null; atMs: number } | null = null;
  private diskTimer: NodeJS.Timeout | null = null;
  private highestBeforeRun = 0;

  private constructor(
    readonly options: RigOptions,
    readonly dir: TempDir,
    readonly dataDir: string,
    private readonly gps: PtyFixture,
    private readonly scale: PtyFixture,
    readonly feed: FaultFeed,
  ) {
    this.ledger = new Ledger(options.truckId ?? "TRK-FAULT");
    this.subscriber = new FaultSubscriber(this.ledger, { reference: options.reference ?? true, save: options.saveMessages ?? false });
  }

  /** Devices, feed and subscriber (subscribed before the agent can publish anything). */
  static async create(options: RigOptions): Promise<FaultRig> {
    const dir = await makeTempDir("muck-faults-");
    const gps = await createPtyFixture({ name: "gps" });
    const scale = await createPtyFixture({ name: "scale" });
    const cycle = options.cycle === undefined ? {} : { cycle: options.cycle };
    const feed = new FaultFeed(gps.device!, scale.device!, { epochsPerS: options.epochsPerS, ...cycle });
    const rig = new FaultRig(options, dir, join(dir.path, "data"), gps, scale, feed);
    rig.writeConfig();
    await rig.subscriber.start(options.consumerUrl);
    rig.diskTimer = setInterval(() => rig.sampleDisk(), 500);
    return rig;
  }

  get configFile(): string {
    return join(this.dir.path, "agent.json");
  }

  get currentRun(): AgentRun | undefined {
    return this.runs.at(-1);
  }

  /** Starts the agent (and the feed, which then keeps writing across kills). */
  startAgent(): AgentProcess {
    if (this.agent !== null) throw new Error("agent already running");
    this.highestBeforeRun = this.ledger.maxSeq;
    const run: AgentRun = { index: this.runs.length, firstSeq: null, lastSeq: null, accepted: 0, end: "running" };
    this.runs.push(run);
    const processOptions = { logLevel: this.options.logLevel ?? "info", nodeArgs: this.options.nodeArgs ?? [] };
    this.agent = new AgentProcess(this.configFile, (line) => this.onRecordLine(line, run), processOptions);
    this.feed.resume();
    return this.agent;
  }

  /**
   * kill -9, then reads a copy of the store the crash left: books what it holds that the agent
   * never reported, and returns that count with every sequence number the store holds.
   */
  async kill9(): Promise<{ unreported: number; storeSeqs: Set<number> }> {
    const agent = this.requireAgent();
    await agent.kill9();
    this.retire(agent, "killed");
    const storeSeqs = new Set<number>();
    const unreported = await this.inspectStore((json) => {
      storeSeqs.add((JSON.parse(json) as { seq: number }).seq);
      return this.ledger.durable(json);
    });
    return { unreported, storeSeqs };
  }

  /** SIGTERM; the agent must exit 0. */
  async stopAgent(): Promise<void> {
    const agent = this.requireAgent();
    const exit = await agent.stop();
    this.retire(agent, "stopped");
    if (exit.code !== 0) throw new Error(`agent did not stop cleanly: ${JSON.stringify(exit)}\n${agent.logTail()}`);
  }

  /** Waits until every record accepted so far (up to `uptoSeq`) arrived or is accounted for. */
  async waitDelivered(timeoutMs: number, uptoSeq = this.ledger.maxSeq): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const owed = this.ledger.outstanding(5).filter((seq) => seq <= uptoSeq);
      if (owed.length === 0) return;
      const exit = this.agent?.exit ?? null;
      if (exit !== null) throw new Error(`agent exited ${JSON.stringify(exit)} during the drain\n${this.agent!.logTail()}`);
      if (performance.now() > deadline) {
        throw new Error(`not delivered within ${timeoutMs} ms: ${this.owedReport(uptoSeq)}`);
      }
      await sleep(100);
    }
  }

  /** Rule 4: a record accepted from now on reaches the consumer; its acceptance-to-delivery time. */
  async freshRoundTrip(timeoutMs = 20_000): Promise<FreshRoundTrip | null> {
    this.fresh = { afterSeq: this.ledger.maxSeq, seq: null, atMs: 0 };
    const deadline = performance.now() + timeoutMs;
    try {
      while (performance.now() < deadline) {
        const { seq, atMs } = this.fresh;
        if (seq !== null && this.ledger.isDelivered(seq)) {
          return { id: this.ledger.id(seq), latencyMs: Math.round(performance.now() - atMs) };
        }
        await sleep(5);
      }
      return null;
    } finally {
      this.fresh = null;
    }
  }

  /**
   * The end of every scenario: the truck parks (feed paused) and the backlog drains; then it
   * drives on for a fresh round trip; parks again, the rest drains, and the agent stops cleanly.
   * Parking first matters: classes drain in strict priority, so while positions arrive faster
   * than the link sends them (compressed time can do that), weights wait — by design.
   * Records the agent accepted while stopping stay in its store; they are booked as `leftInStore`.
   */
  async finish(timeoutMs = 60_000): Promise<FreshRoundTrip | null> {
    this.feed.pause();
    await sleep(300);
    await this.waitDelivered(timeoutMs);
    this.feed.resume();
    const fresh = await this.freshRoundTrip();
    this.feed.pause();
    await sleep(500);
    await this.waitDelivered(timeoutMs);
    // The agent's own view once everything is delivered: a status published after the drain.
    const statuses = this.subscriber.statusMessages;
    const twoMore = () => this.subscriber.statusMessages >= statuses + 2;
    await waitFor(twoMore, 10_000, "two more live statuses").catch(() => undefined);
    this.statusAtEnd = this.subscriber.lastStatus;
    await this.stopAgent();
    await this.inspectStore((json) => {
      this.ledger.durable(json);
      this.leftInStore.add((JSON.parse(json) as { seq: number }).seq);
      return false;
    });
    return fresh;
  }

  /** The oracle; records still in the store after the clean stop are owed to the next start. */
  oracle(fresh: FreshRoundTrip | null, mayBeLost?: ReadonlySet<string>): OracleReport {
    const owed = new Set([...(mayBeLost ?? []), ...[...this.leftInStore].map((seq) => this.ledger.id(seq))]);
    const report = checkOracle({ ledger: this.ledger, mayBeLost: owed, fresh });
    report.failures.push(...this.sequenceFailures, ...this.referenceDisagreements());
    return report;
  }

  async close(): Promise<void> {
    if (this.diskTimer !== null) clearInterval(this.diskTimer);
    if (this.agent !== null) await this.agent.kill9();
    await this.feed.stop();
    await this.subscriber.stop();
    await this.gps.close();
    await this.scale.close();
    await this.dir.remove();
  }

  /** What is still owed, as ranges with kinds, and the agent's own view: for a failure message. */
  private owedReport(uptoSeq: number): string {
    const owed = this.ledger.outstanding().filter((seq) => seq <= uptoSeq);
    const ranges: string[] = [];
    for (let i = 0; i < owed.length; ) {
      let j = i;
      while (j + 1 < owed.length && owed[j + 1] === owed[j]! + 1) j++;
      ranges.push(`${owed[i]}-${owed[j]} (${this.ledger.kindOf(owed[i]!)})`);
      i = j + 1;
    }
    const status = JSON.stringify(this.subscriber.lastStatus);
    const tail = this.agent?.logTail() ?? "";
    return `${owed.length} records: ${ranges.slice(0, 12).join(", ")}\nlast status: ${status}\n${tail}`;
  }

  private sampleDisk(): void {
    const bytes = dirBytes(this.dataDir);
    this.maxDiskBytes = Math.max(this.maxDiskBytes, bytes);
    if (this.diskPhase !== "online") (this.diskSamples[this.diskPhase] ??= []).push(bytes);
  }

  private onRecordLine(line: string, run: AgentRun): void {
    const record = this.ledger.accept(line);
    const earlier = this.ledger.id(this.highestBeforeRun);
    if (run.firstSeq === null && record.seq <= this.highestBeforeRun) {
      this.sequenceFailures.push(`run ${run.index} started at ${record.id}, not above ${earlier} of earlier runs`);
    }
    if (run.lastSeq !== null && record.seq <= run.lastSeq) {
      this.sequenceFailures.push(`run ${run.index}: ${record.id} accepted after ${this.ledger.id(run.lastSeq)}`);
    }
    run.firstSeq ??= record.seq;
    run.lastSeq = record.seq;
    run.accepted++;
    const fresh = this.fresh;
    if (fresh !== null && fresh.seq === null && record.seq > fresh.afterSeq) {
      this.fresh = { ...fresh, seq: record.seq, atMs: performance.now() };
    }
  }

  /**
   * The ReferenceConsumer must agree with the books: the same records and duplicates, and every
   * gap it reports unaccounted must be numbers the agent never used (blocks skipped by a crash).
   */
  private referenceDisagreements(): string[] {
    const reference = this.subscriber.reference;
    if (reference === null) return [];
    const summary = reference.summary()[this.ledger.truckId];
    if (summary === undefined) return ["reference consumer: no records at all"];
    const out: string[] = [];
    const { deliveredUnique, duplicates } = this.ledger;
    if (summary.records !== deliveredUnique || summary.duplicates !== duplicates) {
      const theirs = `${summary.records} records, ${summary.duplicates} duplicates`;
      out.push(`reference consumer counts ${theirs}; the books ${deliveredUnique}, ${duplicates}`);
    }
    const usedInGaps: string[] = [];
    for (const [first, last] of summary.gaps) {
      for (let seq = first; seq <= last && usedInGaps.length < 8; seq++) {
        if (this.ledger.isAccepted(seq)) usedInGaps.push(this.ledger.id(seq));
      }
    }
    if (usedInGaps.length > 0) out.push(`reference consumer calls accepted records unaccounted gaps: ${usedInGaps.join(", ")}`);
    return out;
  }

  private retire(agent: AgentProcess, end: "killed" | "stopped"): void {
    this.maxRssKb = Math.max(this.maxRssKb, agent.maxRssKb);
    this.currentRun!.end = end;
    this.agent = null;
  }

  private requireAgent(): AgentProcess {
    if (this.agent === null) throw new Error("no agent running");
    return this.agent;
  }

  /** Reads a copy of the outbox (the original stays as the crash left it); calls `book` per record. */
  private async inspectStore(book: (json: string) => boolean): Promise<number> {
    const outbox = join(this.dataDir, "outbox");
    if (!existsSync(outbox)) return 0;
    const copy = join(this.dir.path, `inspect-${this.runs.length}`);
    cpSync(outbox, copy, { recursive: true });
    const db = new ClassicLevel<string, string>(copy, { valueEncoding: "utf8", createIfMissing: false });
    let booked = 0;
    try {
      await db.open();
      for await (const value of db.values({ gte: "r!", lt: "r~" })) if (book(value)) booked++;
    } catch (error) {
      // A store the crash left unreadable is the agent's to recover (outbox_lost accounts for it).
      const run = this.runs.length - 1;
      process.stderr.write(`fault rig: outbox copy unreadable after run ${run}: ${(error as Error).message}\n`);
    } finally {
      await db.close().catch(() => undefined);
    }
    await rm(copy, { recursive: true, force: true });
    return booked;
  }

  private writeConfig(): void {
    const o = this.options;
    const config = {
      truckId: this.ledger.truckId,
      dataDir: this.dataDir,
      log: { level: o.logLevel ?? "info" },
      gps: { path: this.gps.devicePath, ...SERIAL, epochIdleMs: 100, noFixEventS: 0.3 },
      scale: { path: this.scale.devicePath, ...SERIAL, protocol: "ascii" },
      mqtt: {
        url: o.agentUrl,
        protocolVersion: 5,
        reconnectMinMs: 100,
        reconnectMaxMs: 500,
        connectTimeoutS: 2,
        keepaliveS: 10,
        statusIntervalS: 1,
        ...o.agent?.mqtt,
      },
      // Nearly every moving epoch becomes a position; stopped, a heartbeat every 5 truck seconds.
      cadence: { minDistanceM: 0.5, minPeriodS: 0.1, heartbeatS: 5, ...o.agent?.cadence },
      outbox: { syncIntervalMs: 50, ...o.agent?.outbox },
      ...(o.agent?.backfill === undefined ? {} : { backfill: o.agent.backfill }),
      ...(o.agent?.identity === undefined ? {} : { identity: o.agent.identity }),
    };
    writeFileSync(this.configFile, `${JSON.stringify(config, null, 2)}\n`);
  }
}

/** Bytes of every file under `dir` (0 when it does not exist yet). */
export function dirBytes(dir: string): number {
  let bytes = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    try {
      const stat = statSync(join(dir, name));
      bytes += stat.isDirectory() ? dirBytes(join(dir, name)) : stat.size;
    } catch {
      // Deleted between the listing and the stat (LevelDB compacting).
    }
  }
  return bytes;
}
