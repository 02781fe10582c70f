/**
 * One simulated truck of a fleet: its own agent in a worker thread with its own data folder,
 * fed by a generated GPS receiver in that thread, connected to the broker through the fleet's
 * cell link. Why threads and no ptys: see generated-gps.ts and simulator/README.md, "Fleet".
 */
import { mkdir } from "node:fs/promises";
import type { Worker } from "node:worker_threads";

import type { AgentConfigInput } from "../../config/schema.js";
import type { LogLevel } from "../../agent/log.js";
import type { FleetBooks } from "./fleet-books.js";
import type { FromTruck } from "./truck-messages.js";
import { startTruckThread } from "./truck-thread.js";
import type { TruckWorkerData } from "./truck-worker.js";

export interface FleetTruckOptions {
  truckId: string;
  /** The agent's data folder. */
  dir: string;
  /** Agent config sections; the truck id and data folder are filled in here. */
  config: AgentConfigInput;
  speedFactor: number;
  /** Where on the round trip the truck starts, s. */
  offsetS: number;
  logLevel: LogLevel;
}

const STOP_TIMEOUT_MS = 20_000;

export class FleetTruck {
  readonly truckId: string;
  started = false;
  failure: string | null = null;
  /** Sequence numbers left in the outbox by the clean stop. */
  queued: number[] = [];
  private worker: Worker | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly options: FleetTruckOptions,
    private readonly books: FleetBooks,
  ) {
    this.truckId = options.truckId;
    books.add(options.truckId);
  }

  /** Starts the agent's thread; resolves once the agent runs (its receiver starts with it). */
  async start(): Promise<void> {
    const o = this.options;
    await mkdir(o.dir, { recursive: true });
    const config = { ...o.config, truckId: o.truckId, dataDir: o.dir };
    const data: TruckWorkerData = { config, logLevel: o.logLevel, speedFactor: o.speedFactor, offsetS: o.offsetS };
    const worker = (this.worker = startTruckThread(data));
    await new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromTruck) => {
        if (message.type === "accepted") this.books.accept(o.truckId, message.seq);
        if (message.type === "stopped") this.books.queue(o.truckId, message.queued);
        if (message.type === "started") resolve();
        if (message.type === "failed") reject(new Error(`${o.truckId}: ${message.error}`));
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`${o.truckId}: agent thread exited (${code}) before it started`)));
    });
    this.started = true;
  }

  /** Stops the drive: no more fixes, the agent keeps running and draining. */
  stopDriving(): void {
    this.worker?.postMessage({ type: "stopDriving" });
  }

  /** Stops the agent cleanly (flush, offline status, store closed). */
  stop(): Promise<void> {
    this.stopped ??= this.stopAll();
    return this.stopped;
  }

  private async stopAll(): Promise<void> {
    const worker = this.worker;
    if (worker !== null && this.started) {
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ type: "stop" });
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    } else {
      await worker?.terminate();
    }
  }
}
