/**
 * One fleet truck in a worker thread: the real `Agent` (NMEA decoding, pipeline, detectors,
 * LevelDB outbox, uplink) with its own config and data folder, fed by a generated GPS receiver
 * (generated-gps.ts). The thread tells its parent about every accepted record (its sequence
 * number), the fleet's ground truth for "lost"; `stopDriving` silences the receiver, `stop` stops
 * the agent cleanly, as `muck-agent run` does on SIGTERM.
 */
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

import { AgentConfigSchema, type AgentConfigInput } from "../../config/schema.js";
import { setLogLevel, type LogLevel } from "../../agent/log.js";
import { Outbox, PRIORITY_CLASSES } from "../../agent/outbox.js";
import { Agent } from "../../agent/runtime.js";
import { GeneratedGps } from "./generated-gps.js";
import type { FromTruck, ToTruck } from "./truck-messages.js";

export interface TruckWorkerData {
  config: AgentConfigInput;
  logLevel: LogLevel;
  speedFactor: number;
  offsetS: number;
}

const { config, logLevel, speedFactor, offsetS } = workerData as TruckWorkerData;
const port = parentPort!;
const post = (message: FromTruck) => port.postMessage(message);

setLogLevel(logLevel);
const gps = new GeneratedGps({ speedFactor, offsetS });
const agent = new Agent(AgentConfigSchema.parse(config), null, gps);
agent.onRecord = (record) => post({ type: "accepted", seq: record.seq });

port.on("message", (message: ToTruck) => {
  if (message.type === "stopDriving") {
    void gps.stop();
    return;
  }
  agent.stop().then(queuedSeqs).then(
    (queued) => {
      post({ type: "stopped", queued });
      // Ends this thread only; a timer left by a library must not keep a stopped truck alive.
      process.exit(0);
    },
    (error: Error) => post({ type: "failed", error: error.message }),
  );
});

/** What the stopped agent left in its outbox: not lost, it goes out at the next start. */
async function queuedSeqs(): Promise<number[]> {
  const outbox = await Outbox.open(join(config.dataDir!, "outbox"), { syncIntervalMs: 0 });
  try {
    const seqs: number[] = [];
    for (const cls of PRIORITY_CLASSES) for (const record of await outbox.read(cls, 0, 1_000_000)) seqs.push(record.seq);
    return seqs;
  } finally {
    await outbox.close();
  }
}

agent.start().then(
  () => post({ type: "started" }),
  (error: Error) => post({ type: "failed", error: error.message }),
);
