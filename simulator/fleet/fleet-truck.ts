/**
 * One simulated truck of a fleet: its GPS receiver on a virtual serial device (a pty made by
 * socat, driving the built-in round trip) and its own agent in a worker thread with its own data
 * folder, connected to the broker through the fleet's cell link. Why threads and ptys: see
 * simulator/README.md, "Fleet".
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";

import type { AgentConfigInput } from "../../config/schema.js";
import type { LogLevel } from "../../agent/log.js";
import { openSimulation, type Simulation } from "../simulation.js";
import type { FleetBooks } from "./fleet-books.js";
import type { FromTruck } from "./truck-messages.js";
import { startTruckThread } from "./truck-thread.js";

export interface FleetTruckOptions {
  truckId: string;
  /** The truck's folder: its GPS device link and its agent's data folder go in it. */
  dir: string;
  /** Agent config sections; the truck id, data folder and GPS path are filled in here. */
  config: AgentConfigInput;
  speedFactor: number;
  logLevel: LogLevel;
}

const STOP_TIMEOUT_MS = 20_000;

export class FleetTruck {
  readonly truckId: string;
  started = false;
  failure: string | null = null;
  private simulation: Simulation | null = null;
  private worker: Worker | null = null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly options: FleetTruckOptions,
    private readonly books: FleetBooks,
  ) {
    this.truckId = options.truckId;
    books.add(options.truckId);
  }

  /** Opens the GPS device, starts the agent on it, then the drive; resolves once the agent runs. */
  async start(): Promise<void> {
    const o = this.options;
    await mkdir(o.dir, { recursive: true });
    const gpsPath = join(o.dir, "gps");
    this.simulation = await openSimulation({ gpsDevicePath: gpsPath, speedFactor: o.speedFactor, loop: true });

    const config = { ...o.config, truckId: o.truckId, dataDir: join(o.dir, "data"), gps: { ...o.config.gps, path: gpsPath } };
    const worker = (this.worker = startTruckThread({ config, logLevel: o.logLevel }));
    await new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromTruck) => {
        if (message.type === "accepted") this.books.accept(o.truckId, message.seq);
        if (message.type === "started") resolve();
        if (message.type === "failed") reject(new Error(`${o.truckId}: ${message.error}`));
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`${o.truckId}: agent thread exited (${code}) before it started`)));
    });
    this.started = true;
    void this.simulation.play();
  }

  /** Stops the drive: no more fixes, the agent keeps running and draining. */
  async stopDriving(): Promise<void> {
    await this.simulation?.stop();
  }

  /** Stops the agent cleanly (flush, offline status, store closed), then removes the device. */
  stop(): Promise<void> {
    this.stopped ??= this.stopAll();
    return this.stopped;
  }

  private async stopAll(): Promise<void> {
    await this.simulation?.stop();
    const worker = this.worker;
    if (worker !== null) {
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ type: "stop" });
      const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await this.simulation?.close();
  }
}
