/**
 * One fleet truck's agent in a worker thread: the real `Agent` (drivers, pipeline, LevelDB
 * outbox, uplink) with the config the fleet made for it. The thread tells its parent about every
 * accepted record (its sequence number and receive time), which is the fleet's ground truth for
 * "lost", and stops cleanly on a `stop` message, as `muck-agent run` does on SIGTERM.
 */
import { parentPort, workerData } from "node:worker_threads";

import { AgentConfigSchema, type AgentConfigInput } from "../../config/schema.js";
import { setLogLevel, type LogLevel } from "../../agent/log.js";
import { Agent } from "../../agent/runtime.js";
import type { FromTruck, ToTruck } from "./truck-messages.js";

const { config, logLevel } = workerData as { config: AgentConfigInput; logLevel: LogLevel };
const port = parentPort!;
const post = (message: FromTruck) => port.postMessage(message);

setLogLevel(logLevel);
const agent = new Agent(AgentConfigSchema.parse(config));
agent.onRecord = (record) => post({ type: "accepted", seq: record.seq });

port.on("message", (message: ToTruck) => {
  if (message.type !== "stop") return;
  agent.stop().then(
    () => {
      post({ type: "stopped" });
      // Ends this thread only; a timer left by a library must not keep a stopped truck alive.
      process.exit(0);
    },
    (error: Error) => post({ type: "failed", error: error.message }),
  );
});

agent.start().then(
  () => post({ type: "started" }),
  (error: Error) => post({ type: "failed", error: error.message }),
);
