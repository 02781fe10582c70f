/**
 * Writes compressed truck time into the agent's virtual GPS receiver and load cell: `epochsPerS`
 * epochs (100 ms of truck time each) per wall second, in chunks every `tickMs`. The epoch number
 * is global to the feed, so truck time keeps growing across agent restarts. When the process
 * falls behind (a loaded CI machine), the feed slows down instead of bursting: what is written
 * depends only on the epoch numbers, never on the wall clock.
 */
import type { VirtualSerialDevice } from "../../simulator/pty.js";
import { sleep } from "../helpers/wait-for.js";
import { DEFAULT_CYCLE, epochNmea, scaleFrame, truckAt, type DutyCycle } from "./truck-time.js";

export interface FeedOptions {
  epochsPerS: number;
  tickMs?: number;
  cycle?: DutyCycle;
}

export class FaultFeed {
  /** The next epoch to write; everything below it has been written. */
  epoch = 0;
  private paused = true;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private paceFrom = { atMs: 0, epoch: 0 };
  private readonly tickMs: number;
  private readonly cycle: DutyCycle;

  constructor(
    private readonly gps: VirtualSerialDevice,
    private readonly scale: VirtualSerialDevice | null,
    private readonly options: FeedOptions,
  ) {
    this.tickMs = options.tickMs ?? 50;
    this.cycle = options.cycle ?? DEFAULT_CYCLE;
  }

  get epochsPerS(): number {
    return this.options.epochsPerS;
  }

  set epochsPerS(rate: number) {
    this.options.epochsPerS = rate;
    this.paceFrom = { atMs: performance.now(), epoch: this.epoch };
  }

  resume(): void {
    if (this.stopped) return;
    this.paceFrom = { atMs: performance.now(), epoch: this.epoch };
    this.paused = false;
    this.loop ??= this.run();
  }

  pause(): void {
    this.paused = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Resolves once the feed has written every epoch below `epoch`. */
  async until(epoch: number, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.epoch < epoch) {
      if (performance.now() > deadline) {
        throw new Error(`feed: epoch ${epoch} not reached in ${timeoutMs} ms (at ${this.epoch}, paused ${this.paused})`);
      }
      await sleep(10);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) {
        await sleep(this.tickMs);
        continue;
      }
      const due = this.paceFrom.epoch + Math.floor(((performance.now() - this.paceFrom.atMs) * this.options.epochsPerS) / 1000);
      // At most two ticks' worth at once: a stalled feed resumes at its pace, it does not burst.
      const count = Math.min(due - this.epoch, Math.ceil((this.options.epochsPerS * this.tickMs * 2) / 1000));
      if (count > 0) await this.write(count);
      if (due > this.epoch) this.paceFrom = { atMs: performance.now(), epoch: this.epoch };
      await sleep(this.tickMs);
    }
  }

  private async write(count: number): Promise<void> {
    let nmea = "";
    let frames = "";
    for (let e = this.epoch; e < this.epoch + count; e++) {
      const state = truckAt(e, this.cycle);
      nmea += epochNmea(state);
      if (state.weightKg !== null) frames += scaleFrame(state.weightKg);
    }
    this.epoch += count;
    await Promise.all([this.gps.write(nmea), frames === "" || this.scale === null ? true : this.scale.write(frames)]);
  }
}
