/**
 * A fleet truck's GPS receiver inside its agent's worker thread: the built-in round trip
 * (trip.ts, drive.ts) written as NMEA bytes (nmea-sentences.ts) straight into the agent's GPS
 * reader, paced by a SimClock — the same sentences, one chunk per sentence, that `muck-agent sim`
 * writes into a pty. Why not a pty: serialport's native binding polls on the process's main
 * event loop and aborts the process when used from a worker thread ("Entering the V8 API
 * without proper locking"), and a process per truck costs ~145 MB (see simulator/README.md).
 * It looks like a SerialSource that opens at once and is never lost.
 */
import { EventEmitter } from "node:events";

import type { SerialSourceEvents, SerialState } from "../../drivers/serial/contracts.js";
import { driveEpochs } from "../drive.js";
import { epochSentences } from "../nmea-sentences.js";
import { startPlayer, type Player } from "../player.js";
import { Route } from "../route.js";
import { SimClock } from "../sim-clock.js";
import { muckTrip, SHANGHAI_ROUTE } from "../trip.js";

export interface GeneratedGpsOptions {
  speedFactor: number;
  /** Start this far into the round trip, s (trucks of a fleet are spread along the road). */
  offsetS: number;
}

export class GeneratedGps extends EventEmitter<SerialSourceEvents> {
  state: SerialState = "idle";
  private player: Player | null = null;

  constructor(private readonly options: GeneratedGpsOptions) {
    super();
  }

  start(): void {
    if (this.state !== "idle") return;
    this.state = "open";
    const { speedFactor, offsetS } = this.options;
    // GPS time starts now at the offset point of the trip, so fixes carry the current time.
    const startTimeMs = Math.floor(Date.now() / 1000) * 1000 - offsetS * 1000;
    const plan = muckTrip(new Route(SHANGHAI_ROUTE), { loop: true, startTimeMs }).plan;
    const clock = new SimClock(speedFactor);

    this.player = startPlayer("fleet-gps", async (signal) => {
      for (const epoch of driveEpochs(plan)) {
        if (epoch.elapsedS < offsetS) continue;
        if (!(await clock.until(epoch.elapsedS - offsetS, signal))) return;
        for (const sentence of epochSentences(epoch)) this.emit("data", Buffer.from(`${sentence}\r\n`, "latin1"));
      }
    });
  }

  /** Stops the receiver: no more sentences. */
  async stop(): Promise<void> {
    this.state = "stopped";
    await this.player?.stop();
  }
}
