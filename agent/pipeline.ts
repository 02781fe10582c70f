/**
 * From driver output to records: the decisions the live agent and `replay` share. Every fix goes
 * to the no-fix watch; only fixes that pass the fix gate (valid, precise enough, no jump) reach
 * the position cadence, so a multipath jump never becomes a position or adds distance. Weight
 * samples go through the weight cadence; device gaps become events. What happens to a record
 * (outbox, stdout) is the caller's business.
 */
import type { AgentConfig } from "../config/schema.js";
import type { AntennaReport } from "../drivers/gps/antenna.js";
import type { InputFault, InputState } from "../drivers/inputs/contracts.js";
import type { AgentEvent, AgentRecord, Fix, WeightSample } from "./contracts.js";
import { PositionCadence, WeightCadence } from "./cadence.js";
import { ClockWatch, correctWeekRollover } from "./clock.js";
import { FixGate, type GateRejection } from "./fix-gate.js";
import { isoMs } from "./iso-time.js";
import { DetectionEngine, type DetectionSetup } from "./detect/engine.js";
import { NoFixWatch } from "./no-fix-watch.js";
import { RecordFactory, type SequenceSource } from "./records.js";

/** A device outage as the serial layer reports it. */
export interface DeviceGap {
  device: string;
  path: string;
  fromMs: number;
  toMs: number;
  reason: string;
}

/** Live-operation clock handling (absent in replay, where the capture's own time is the clock). */
export interface PipelineClockOptions {
  /** GPS dates before this are week-rollover errors and are corrected (see agent/clock.ts). */
  dateFloorMs: number;
  watch: ClockWatch;
}

const FRESH_FIX_MS = 10_000;

export class RecordPipeline {
  private positions: PositionCadence;
  private weights: WeightCadence;
  private cadenceJson: string;
  private readonly noFix: NoFixWatch;
  private readonly gate: FixGate;
  private readonly records: RecordFactory;
  private detection: DetectionEngine | null = null;
  lastValidFix: Fix | null = null;

  constructor(
    config: Pick<AgentConfig, "truckId" | "cadence" | "gps">,
    sequence: SequenceSource,
    private readonly emit: (record: AgentRecord) => void,
    clock: () => number = Date.now,
    private readonly live?: PipelineClockOptions,
  ) {
    this.positions = new PositionCadence(config.cadence);
    this.weights = new WeightCadence(config.cadence);
    this.cadenceJson = JSON.stringify(config.cadence);
    this.noFix = new NoFixWatch(config.gps.noFixEventS);
    this.gate = new FixGate(config.gps);
    this.records = new RecordFactory(config.truckId, sequence, clock, live === undefined ? undefined : () => live.watch.trusted());
  }

  onFix(received: Fix): void {
    const fix = this.live === undefined ? received : correctWeekRollover(received, this.live.dateFloorMs);
    this.live?.watch.observe(fix);

    const noFixEvent = this.noFix.offer(fix);
    if (noFixEvent !== null) this.event(noFixEvent);

    const accepted = this.gate.check(fix) === null;
    if (accepted) {
      this.lastValidFix = fix;
      if (this.positions.offer(fix)) this.emit(this.records.position(fix));
    }
    this.detection?.onFix(fix, accepted);
  }

  /**
   * Turns on the violation detectors (agent/detect/): they see every fix with the gate's verdict,
   * every weight, input change and antenna report, and put events and trips on record here.
   */
  detect(setup: DetectionSetup): DetectionEngine {
    this.detection = new DetectionEngine(setup, this.detectionOutput());
    return this.detection;
  }

  /**
   * A config reload, between two inputs: new cadence settings (the next fix or weight starts the
   * new rhythm) and detectors that take over from the running ones (see DetectionEngine). The
   * sequence and the fix gate go on, so no record is lost or numbered twice.
   */
  reconfigure(cadence: AgentConfig["cadence"], setup: DetectionSetup): void {
    const json = JSON.stringify(cadence);
    if (json !== this.cadenceJson) {
      this.positions = new PositionCadence(cadence);
      this.weights = new WeightCadence(cadence);
      this.cadenceJson = json;
    }
    const previous = this.detection ?? undefined;
    this.detection = new DetectionEngine(setup, this.detectionOutput(), previous);
  }

  /** The digital inputs after a change at `atMs` (body lift, cover, ignition). */
  onInputs(state: InputState, atMs: number): void {
    this.detection?.onInputs(state, atMs);
  }

  onAntenna(report: AntennaReport): void {
    this.detection?.onAntenna(report);
  }

  /** A digital input that cannot be trusted (drivers/inputs). */
  onInputFault(fault: InputFault): void {
    this.detection?.onInputFault(fault.input, fault.kind, fault.detail, fault.atMs);
  }

  /** Live: the GPS receiver has sent nothing since `fromMs`. */
  onGpsSilence(fromMs: number, atMs: number): void {
    this.detection?.onGpsSilence(fromMs, atMs);
  }

  /**
   * The GPS time of a weight: the last valid fix's, but only when that fix is at most
   * FRESH_FIX_MS old — with the GPS lost for an hour, an hour-old time would be a wrong one.
   */
  private gpsTimeNear(gatewayMs: number): string | null {
    const fix = this.lastValidFix;
    if (fix === null || fix.time === null || Math.abs(gatewayMs - fix.receivedAtMs) > FRESH_FIX_MS) return null;
    return fix.time;
  }

  /** Fixes the gate kept from the cadence (and from every detector), by reason. */
  gateRejections(): Record<GateRejection, number> {
    return this.gate.counts();
  }

  onWeight(sample: WeightSample): void {
    if (this.weights.offer(sample)) this.emit(this.records.weight(sample, this.gpsTimeNear(isoMs(sample.time))));
    this.detection?.onWeight(sample);
  }

  /** A device outage becomes an event on record: a hole in the evidence must itself be evidence. */
  onGap(gap: DeviceGap): void {
    this.event({
      type: `${gap.device}_gap`,
      severity: "warning",
      startedAt: new Date(gap.fromMs).toISOString(),
      endedAt: new Date(gap.toMs).toISOString(),
      details: { path: gap.path, reason: gap.reason, durationS: (gap.toMs - gap.fromMs) / 1000 },
    });
  }

  /** At shutdown or the end of a capture: report what is still open. */
  finish(nowMs: number): void {
    const open = this.noFix.finish(nowMs);
    if (open !== null) this.event(open);
    this.detection?.finish();
  }

  private detectionOutput() {
    return {
      event: (event: AgentEvent) => this.event(event),
      trip: (trip: Record<string, unknown>, endedAt: string) => this.emit(this.records.trip(trip, endedAt)),
    };
  }

  /** Puts an event on record; returns the record's id. */
  event(event: AgentEvent): string {
    const record = this.records.event(event);
    this.emit(record);
    return record.id;
  }
}
