/**
 * The running agent: wires the drivers, the cadence, the outbox and the uplink.
 *
 * Start consumers first, stop producers first: the outbox and the uplink come up before any
 * serial input is opened, so the first fix already has somewhere durable to go; on stop the
 * inputs close first, the last epoch is flushed, the outbox syncs, the uplink says offline and
 * disconnects, and the store closes last.
 */
import { join } from "node:path";
import { readHeadHint, readNextSeqHint, writeHeadHint } from "./head-hint.js";
import type { AgentConfig } from "../config/schema.js";
import type { ZoneIndex } from "../config/zones/zone.js";
import type { AgentRecord, Fix } from "./contracts.js";
import { logger } from "./log.js";
import { Outbox, type StoreRecovery, type ThinPass } from "./outbox.js";
import { StorageBudget } from "./storage-budget.js";
import { AGENT_VERSION } from "./version.js";
import { ClockWatch, GPS_DATE_FLOOR_MS } from "./clock.js";
import { DetectStateFile } from "./detect/state-file.js";
import { GpsSilenceTimer } from "./gps-silence.js";
import { RecordPipeline } from "./pipeline.js";
import { SequenceStore } from "./sequence.js";
import { Uplink, type ControlSubscription, type UplinkStats } from "./uplink.js";
import { liveChange, restartOnlyChanges } from "./ota/live-settings.js";
import { GpsReader } from "../drivers/gps/gps-reader.js";
import type { GpsStats } from "../drivers/gps/gps-decoder.js";
import { SerialSource, type SerialState } from "../drivers/serial/serial-source.js";
import { ScaleInput } from "./scale-input.js";
import { InputsReader } from "../drivers/inputs/inputs-reader.js";
import { droppedSentences, type HealthSnapshot } from "./health.js";
import { HealthReporter } from "./health-reporter.js";

const COMPACT_EVERY_ACKS = 50_000;

export interface AgentStatus {
  truckId: string;
  outboxDepth: number;
  lastFix: Fix | null;
  gps: GpsStats | null;
  gate: Record<string, number> | null;
  uplink: UplinkStats | null;
  /** Serial device states: `open`, `lost`, … */
  devices: Record<string, SerialState>;
}

export class Agent {
  private outbox: Outbox | null = null;
  private uplink: Uplink | null = null;
  private budget: StorageBudget | null = null;
  private sequence: SequenceStore | null = null;
  private ackedSinceCompaction = 0;
  private notAccepted = 0;
  private readonly clockWatch = new ClockWatch();
  /** Age of the oldest unacknowledged record, refreshed in the background (the status is sync). */
  private oldestRecordAgeS: number | null = null;
  private oldestRecordAt: string | null = null;
  private readonly startedAt = new Date().toISOString();
  private lastFixAtMs: number | null = null;
  private health: HealthReporter | null = null;
  private oldestTimer: NodeJS.Timeout | null = null;
  private pipeline: RecordPipeline | null = null;
  private gpsSource: SerialSource | null = null;
  private gps: GpsReader | null = null;
  private scale: ScaleInput | null = null;
  private gpsSilence: GpsSilenceTimer | null = null;
  private inputs: InputsReader | null = null;
  private readonly log = logger("agent");
  /** Called for every record once it is accepted (durable); the demo and tests listen here. */
  onRecord: (record: AgentRecord) => void = () => undefined;
  /** Called for every fix the GPS driver assembles, valid or not. */
  onFix: (fix: Fix) => void = () => undefined;
  /** Control topics (config bundles) the uplink subscribes to; set before start. */
  control: ControlSubscription | undefined;

  constructor(
    private config: AgentConfig,
    /** The zone file's index (loaded and validated before the agent starts); none: no zone is judged. */
    private zones: ZoneIndex | null = null,
  ) {}

  /** The config the agent runs with (after reloads). */
  get running(): AgentConfig {
    return this.config;
  }

  /**
   * A validated new config and zones, applied at once between two inputs (everything here is
   * synchronous, and inputs arrive as events): no fix is judged half by the old settings and half
   * by the new, and records go on in sequence. Only the live sections change (cadence,
   * detect, zones); the keys returned changed too but wait for the next start (devices, broker,
   * storage), and the running agent keeps their old values.
   */
  reconfigure(next: AgentConfig, zones: ZoneIndex): string[] {
    const waiting = restartOnlyChanges(this.config, next);
    this.config = liveChange(this.config, next);
    this.zones = zones;
    this.pipeline?.reconfigure(this.config.cadence, this.detectSetup());
    this.log.info({ zones: zones.zones.length, waitingForRestart: waiting }, "config applied");
    return waiting;
  }

  /** A retained reply on a control topic (a config ack), sent now or once connected. */
  publishRetained(topic: string, payload: string): void {
    this.uplink?.publishRetained(topic, payload);
  }

  private detectSetup() {
    const c = this.config;
    return { config: c.detect, zones: this.zones, timeZone: c.zones.timeZone, truckId: c.truckId, stateFile: new DetectStateFile(c.dataDir) };
  }

  async start(): Promise<void> {
    const c = this.config;
    this.outbox = await Outbox.open(join(c.dataDir, "outbox"), { syncIntervalMs: c.outbox.syncIntervalMs });
    const floor = Math.max(this.outbox.maxSeq + 1, readNextSeqHint(c.dataDir) ?? 1);
    const sequence = (this.sequence = SequenceStore.open(c.dataDir, floor));
    this.pipeline = new RecordPipeline(c, sequence, (record) => this.accept(record), Date.now, { dateFloorMs: GPS_DATE_FLOOR_MS, watch: this.clockWatch });
    // Read before this start writes a new hint over it: it describes the store found at open.
    const headHint = readHeadHint(c.dataDir);
    void this.outbox.recovery.then((recovery) => this.reportRecovery(recovery, headHint, sequence.peek() - 1));
    this.pipeline.detect(this.detectSetup());

    const uplinkOptions = { ...c.mqtt, truckId: c.truckId, backfill: c.backfill, status: () => this.liveStatus(), control: this.control };
    this.uplink = new Uplink(this.outbox, uplinkOptions);
    this.uplink.start();
    this.uplink.on("acked", (records) => this.compactNowAndThen(records.length));

    const uplink = this.uplink;
    this.budget = new StorageBudget(this.outbox, { maxBytes: c.outbox.maxBytes }, () => uplink.inFlightSeqs(), (pass) => this.reportThinned(pass));
    this.budget.start();
    void this.budget.enforce();
    // As often as the status file is written, so its oldest-record age is never older than itself.
    this.oldestTimer = setInterval(() => void this.refreshOldest(), Math.min(15, c.status.fileIntervalS) * 1000);
    await this.refreshOldest();
    this.health = new HealthReporter(c, () => this.healthSnapshot(true));
    await this.health.start();

    this.startGps();
    if (c.scale !== undefined) {
      this.scale = new ScaleInput(c.scale, (sample) => this.pipeline!.onWeight(sample));
      this.scale.on("gap", (gap) => this.pipeline!.onGap(gap));
      this.scale.start();
    }
    this.startInputs();
    this.log.info({ truckId: c.truckId, dataDir: c.dataDir, depth: this.outbox.depth }, "agent started");
  }

  async stop(): Promise<void> {
    await this.gpsSource?.stop();
    this.gpsSilence?.back();
    this.gps?.close();
    await this.scale?.stop();
    await this.inputs?.stop();
    this.pipeline?.finish(Date.now());

    await this.outbox?.flush();
    this.budget?.stop();
    if (this.oldestTimer !== null) clearInterval(this.oldestTimer);
    await this.uplink?.stop();
    await this.refreshOldest();
    const last = this.healthSnapshot(false);
    await this.outbox?.close();
    await this.health?.stop(last);
    this.sequence?.close();
    this.log.info({ truckId: this.config.truckId }, "agent stopped");
  }

  status(): AgentStatus {
    return {
      truckId: this.config.truckId,
      outboxDepth: this.outbox?.depth ?? 0,
      lastFix: this.pipeline?.lastValidFix ?? null,
      gps: this.gps?.stats() ?? null,
      gate: this.pipeline?.gateRejections() ?? null,
      uplink: this.uplink?.stats() ?? null,
      devices: {
        ...(this.gpsSource === null ? {} : { gps: this.gpsSource.state }),
        ...(this.scale === null ? {} : { scale: this.scale.source.state }),
      },
    };
  }

  /** What `muck-agent status` and the metrics endpoint show (see agent/health.ts). */
  healthSnapshot(running: boolean): HealthSnapshot {
    const status = this.status();
    const outbox = this.outbox;
    const uplink = status.uplink;
    const sample = this.scale?.lastSample ?? null;
    return {
      truckId: this.config.truckId,
      version: AGENT_VERSION,
      pid: process.pid,
      running,
      startedAt: this.startedAt,
      writtenAt: new Date().toISOString(),
      lastFixAt: this.lastFixAtMs === null ? null : new Date(this.lastFixAtMs).toISOString(),
      lastScaleSampleAt: sample?.time ?? null,
      queue: {
        depth: status.outboxDepth,
        byClass: outbox === null
          ? { events: 0, trips: 0, positions: 0, weights: 0 }
          : { events: outbox.depthOf(0), trips: outbox.depthOf(1), positions: outbox.depthOf(2), weights: outbox.depthOf(3) },
        oldestRecordAt: status.outboxDepth === 0 ? null : this.oldestRecordAt,
      },
      drops: {
        gpsSentences: droppedSentences(status.gps?.faults),
        fixesRejected: status.gate ?? {},
        recordsNotAccepted: this.notAccepted,
        recordsThinned: this.budget?.thinned() ?? {},
      },
      uplink: {
        connected: uplink?.connected ?? false,
        connects: uplink?.connects ?? 0,
        reconnects: uplink?.reconnects ?? 0,
        halfOpen: uplink?.halfOpen ?? 0,
        published: uplink?.published ?? 0,
        acknowledged: uplink?.acknowledged ?? 0,
        lastPubackAt: uplink?.lastPubackAt ?? null,
      },
      devices: status.devices,
    };
  }

  private startGps(): void {
    const g = this.config.gps;
    this.gpsSource = new SerialSource({
      name: "gps",
      path: g.path,
      baudRate: g.baudRate,
      silenceTimeoutS: g.silenceTimeoutS,
      reopenMinMs: g.reopenMinMs,
      reopenMaxMs: g.reopenMaxMs,
    });
    this.gps = new GpsReader(this.gpsSource, g.epochIdleMs);
    this.gps.on("fix", (fix) => this.handleFix(fix));
    this.gps.on("antenna", (report) => this.pipeline!.onAntenna(report));
    this.gpsSource.on("gap", (gap) => this.pipeline!.onGap(gap));
    const silence = (this.gpsSilence = new GpsSilenceTimer(this.config.detect.gnss.silentS, (sinceMs, atMs) => this.pipeline!.onGpsSilence(sinceMs, atMs)));
    this.gpsSource.on("lost", (loss) => silence.lost(loss, g.silenceTimeoutS));
    this.gpsSource.on("gap", () => silence.back());
    this.gpsSource.start();
  }

  /** Body lift, cover and ignition, when any is wired: every change and every fault to the detectors. */
  private startInputs(): void {
    const inputs = this.config.inputs;
    if (inputs.bodyLift === undefined && inputs.cover === undefined && inputs.ignition === undefined) return;

    const reader = (this.inputs = new InputsReader(inputs));
    reader.on("change", (change) => this.pipeline!.onInputs(reader.current(), change.atMs));
    reader.on("fault", (fault) => {
      this.pipeline!.onInputFault(fault);
      this.pipeline!.onInputs(reader.current(), fault.atMs);
    });
    reader.start();
  }

  private handleFix(fix: Fix): void {
    if (fix.valid) this.lastFixAtMs = Date.now();
    this.onFix(fix);
    this.pipeline!.onFix(fix);
  }

  /**
   * A corrupt store was moved aside and salvaged (field case F11): an `outbox_lost` alarm names
   * the sequence range whose records may be gone — from the oldest record the store held (the
   * head hint written every 15 s) to the highest number handed out before this start. Records
   * salvaged from that range are sent as usual; the consumer counts only the missing ones as
   * accounted for.
   */
  private reportRecovery(recovery: StoreRecovery | null, headHint: number | null, highestIssued: number): void {
    if (recovery === null || this.pipeline === null) return;
    const fromSeq = Math.min(headHint ?? 1, highestIssued);
    this.pipeline.event({
      type: "outbox_lost",
      // A torn log tail is most often the last batch of a power cut, never accepted: a warning.
      severity: recovery.how === "torn-log-tail" ? "warning" : "alarm",
      startedAt: new Date().toISOString(),
      details: {
        how: recovery.how,
        seqRanges: [[fromSeq, highestIssued]],
        movedTo: recovery.path,
        error: recovery.error,
        recovered: recovery.recovered,
        recoveredSeqs: recovery.recovered === 0 ? null : [recovery.firstRecoveredSeq, recovery.lastRecoveredSeq],
      },
    });
  }

  /** What the retained live status carries besides the uplink's own counters. */
  private liveStatus(): Record<string, unknown> {
    const outbox = this.outbox;
    return {
      version: AGENT_VERSION,
      outbox: outbox === null ? null : {
        depth: outbox.depth,
        byClass: { events: outbox.depthOf(0), trips: outbox.depthOf(1), positions: outbox.depthOf(2), weights: outbox.depthOf(3) },
        oldestRecordAgeS: this.oldestRecordAgeS,
      },
      thinned: this.budget?.thinned() ?? {},
      notAccepted: this.notAccepted,
      devices: this.status().devices,
      lastFixAt: this.pipeline?.lastValidFix?.time ?? null,
      clock: { trusted: this.clockWatch.trusted(), offsetMs: this.clockWatch.offset },
      gate: this.pipeline?.gateRejections() ?? null,
    };
  }

  private async refreshOldest(): Promise<void> {
    const oldest = await this.outbox?.oldest().catch(() => null);
    this.oldestRecordAgeS = oldest == null ? null : Math.round((Date.now() - Date.parse(oldest.receivedAt)) / 1000);
    this.oldestRecordAt = oldest?.receivedAt ?? null;
    const nextSeq = this.sequence?.peek() ?? 1;
    writeHeadHint(this.config.dataDir, oldest?.seq ?? nextSeq, nextSeq);
  }

  /** Thinning is never silent: the consumer gets the range and count as an accounted gap. */
  private reportThinned(pass: ThinPass): void {
    this.pipeline?.event({
      type: "thinned",
      severity: "warning",
      startedAt: new Date().toISOString(),
      details: { kind: pass.kind, seqRanges: [[pass.fromSeq, pass.toSeq]], removed: pass.removed, keptEvery: pass.keptEvery },
    });
  }

  /** Every 50,000 acknowledged records, compact their tombstones away (see Outbox.compactAcknowledged). */
  private compactNowAndThen(acked: number): void {
    this.ackedSinceCompaction += acked;
    if (this.ackedSinceCompaction < COMPACT_EVERY_ACKS) return;
    this.ackedSinceCompaction = 0;
    this.outbox?.compactAcknowledged().catch((error: Error) => this.log.warn({ err: error.message }, "compaction failed"));
  }

  private accept(record: AgentRecord): void {
    this.outbox!.accept(record).then(
      () => this.onRecord(record),
      (error: Error) => {
        this.notAccepted++;
        this.log.error({ err: error.message, id: record.id }, "record not accepted");
      },
    );
  }
}
