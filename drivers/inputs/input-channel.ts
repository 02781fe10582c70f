/**
 * One digital input: polls its source, debounces the level into a value, and tracks its faults
 * (at most one open at a time, each reported once and cleared when it ends). The reader owns the
 * channels and turns their reports into events.
 */
import type { InputFaultKind, InputName, LevelReading, LevelSource } from "./contracts.js";
import { Debouncer, type Settled } from "./debounce.js";
import type { ResolvedInputOptions } from "./options.js";
import { StuckWatch } from "./stuck-watch.js";

/** What one poll found worth telling. */
export type ChannelReport =
  | { type: "change"; settled: Settled }
  | { type: "fault"; kind: InputFaultKind; detail: string }
  | { type: "cleared"; kind: InputFaultKind; durationMs: number };

interface OpenFault {
  kind: InputFaultKind;
  sinceMs: number;
  detail: string;
}

export class InputChannel {
  private readonly debouncer: Debouncer;
  private readonly stuck: StuckWatch;
  private fault: OpenFault | null = null;

  constructor(
    readonly input: InputName,
    readonly source: LevelSource,
    private readonly options: ResolvedInputOptions,
  ) {
    this.debouncer = new Debouncer(options.debounceMs);
    this.stuck = new StuckWatch(options.stuckAfterS * 1000);
  }

  get value(): boolean | undefined {
    return this.fault === null || this.fault.kind === "stuck" ? this.debouncer.value : undefined;
  }

  get openFault(): Readonly<OpenFault> | null {
    return this.fault;
  }

  /** Read once; `counting` says whether this moment counts toward the stuck check. */
  async poll(atMs: number, counting: () => boolean): Promise<ChannelReport[]> {
    return this.apply(await this.source.read(), atMs, counting);
  }

  private apply(reading: LevelReading, atMs: number, counting: () => boolean): ChannelReport[] {
    if (!reading.ok) return this.readFailed(reading.kind, reading.detail, atMs);

    const reports = this.fault?.kind === "stuck" ? [] : this.closeFault(atMs);
    const active = reading.high === this.options.activeHigh;
    const settled = this.debouncer.observe(active, atMs);

    if (settled !== undefined) {
      this.stuck.reset();
      if (this.fault?.kind === "stuck") reports.push(...this.closeFault(atMs));
      return [...reports, { type: "change", settled }];
    }
    if (this.debouncer.value === undefined) return reports;

    const quietMs = this.stuck.tick(atMs, counting());
    if (quietMs === undefined) return reports;
    const state = this.debouncer.value ? "active" : "inactive";
    const detail = `${this.source.address}: ${state}, unchanged for ${Math.round(quietMs / 1000)} s of counted time`;
    return [...reports, this.openNew("stuck", detail, atMs)];
  }

  private readFailed(kind: "disconnected" | "unreadable", detail: string, atMs: number) {
    if (this.fault?.kind === kind) return [];

    // The old value says nothing about the switch now; start over once it reads again.
    const reports = this.closeFault(atMs);
    this.debouncer.reset();
    this.stuck.reset();
    return [...reports, this.openNew(kind, detail, atMs)];
  }

  private openNew(kind: InputFaultKind, detail: string, atMs: number): ChannelReport {
    this.fault = { kind, sinceMs: atMs, detail };
    return { type: "fault", kind, detail };
  }

  private closeFault(atMs: number): ChannelReport[] {
    const fault = this.fault;
    if (fault === null) return [];
    this.fault = null;
    return [{ type: "cleared", kind: fault.kind, durationMs: atMs - fault.sinceMs }];
  }
}
