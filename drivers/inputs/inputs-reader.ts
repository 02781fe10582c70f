/**
 * The truck's digital inputs (body lift, cover, ignition), each optional, read from a value file
 * or a GPIO line, debounced and watched. Typed events:
 *
 *   change        a debounced value: the first one after start or a fault, then every flip
 *   fault         a sensor that cannot be trusted (disconnected, unreadable, stuck), once each
 *   faultCleared  that fault ended
 *
 * Nothing here throws at the caller because a sensor went away: it is reported and retried on
 * every poll, so a harness plugged back in is picked up without a restart.
 */
import { EventEmitter } from "node:events";
import { logger, type Logger } from "../../agent/log.js";
import {
  INPUT_NAMES,
  type InputFault,
  type InputName,
  type InputsEvents,
  type InputState,
  type LevelSource,
} from "./contracts.js";
import { GpioSource } from "./gpio-source.js";
import { InputChannel, type ChannelReport } from "./input-channel.js";
import { resolveInputOptions, type InputsOptions, type ResolvedInputOptions } from "./options.js";
import { ValueFileSource } from "./value-file-source.js";

export type * from "./contracts.js";
export type { InputOptions, InputsOptions } from "./options.js";

interface Running {
  channel: InputChannel;
  pollMs: number;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void>;
}

export class InputsReader extends EventEmitter<InputsEvents> {
  private readonly running: Running[];
  private readonly log: Logger = logger("inputs");
  private readonly clock: () => number;
  private started = false;

  constructor(options: InputsOptions, clock: () => number = Date.now) {
    super();
    this.clock = clock;
    this.running = INPUT_NAMES.flatMap((input) => {
      const given = options[input];
      if (given === undefined) return [];
      const resolved = resolveInputOptions(input, given);
      const channel = new InputChannel(input, sourceFor(resolved), resolved);
      return [{ channel, pollMs: resolved.pollMs, timer: null, inFlight: Promise.resolve() }];
    });
  }

  /** Start polling every configured input; the first read happens at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const run of this.running) this.pollLoop(run);
    this.log.info({ inputs: this.running.map((run) => run.channel.input) }, "inputs started");
  }

  /** Stop polling and close the sources; values stay readable through current(). */
  async stop(): Promise<void> {
    this.started = false;
    for (const run of this.running) if (run.timer !== null) clearTimeout(run.timer);
    await Promise.all(this.running.map((run) => run.inFlight));
    await Promise.all(this.running.map((run) => run.channel.source.close()));
  }

  /** The debounced values; absent for inputs not configured, not settled yet, or faulty. */
  current(): InputState {
    const state: InputState = {};
    for (const { channel } of this.running) {
      if (channel.value !== undefined) state[channel.input] = channel.value;
    }
    return state;
  }

  /** The faults open now. */
  faults(): InputFault[] {
    return this.running.flatMap(({ channel }) => {
      const fault = channel.openFault;
      if (fault === null) return [];
      return [
        { input: channel.input, kind: fault.kind, detail: fault.detail, atMs: fault.sinceMs },
      ];
    });
  }

  private pollLoop(run: Running): void {
    run.inFlight = this.pollOnce(run.channel).then(() => {
      if (this.started) run.timer = setTimeout(() => this.pollLoop(run), run.pollMs);
    });
  }

  private async pollOnce(channel: InputChannel): Promise<void> {
    const atMs = this.clock();
    const reports = await channel.poll(atMs, () => this.stuckClockRuns(channel.input));
    for (const report of reports) this.emitReport(channel, report, atMs);
  }

  // Stuck time counts while the engine runs; the ignition line itself counts running time.
  private stuckClockRuns(input: InputName): boolean {
    const ignition = this.running.find((run) => run.channel.input === "ignition");
    if (input === "ignition" || ignition === undefined) return true;
    return ignition.channel.value === true;
  }

  private emitReport(channel: InputChannel, report: ChannelReport, atMs: number): void {
    const input = channel.input;
    switch (report.type) {
      case "change": {
        const { value, previous, sinceMs } = report.settled;
        this.log.debug({ input, value, previous }, "input changed");
        this.emit("change", { input, value, previous, atMs: sinceMs });
        return;
      }
      case "fault":
        this.log.warn({ input, kind: report.kind, detail: report.detail }, "input fault");
        this.emit("fault", { input, kind: report.kind, detail: report.detail, atMs });
        return;
      case "cleared":
        this.log.info(
          { input, kind: report.kind, durationMs: report.durationMs },
          "input fault cleared",
        );
        this.emit("faultCleared", {
          input,
          kind: report.kind,
          atMs,
          durationMs: report.durationMs,
        });
    }
  }
}

function sourceFor(options: ResolvedInputOptions): LevelSource {
  if (options.source === "gpio") return new GpioSource(options.chip, options.line ?? 0);
  return new ValueFileSource(options.path ?? "");
}
