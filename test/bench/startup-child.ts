/**
 * Row 8's child: the real Agent (agent/runtime.ts) started on the data folder argv[2] against the
 * broker argv[3], in a process of its own. The clock starts before Agent.start() (the outbox
 * opens, counts its keys, reads its head, the uplink connects); one event is put on record as
 * soon as start() returns, and the clock stops at that record's PUBACK. No GPS device exists at
 * the configured path, so no input competes with it. Prints the milliseconds as JSON.
 */
import { Agent } from "../../agent/runtime.js";
import { benchConfig } from "./truck-agent.js";

const [dataDir, url, truckId] = process.argv.slice(2) as [string, string, string];
const config = benchConfig(truckId, { dataDir, gps: { path: `${dataDir}/no-gps` }, mqtt: { url } });

const started = performance.now();
const agent = new Agent(config);
await agent.start();
// The agent's pipeline and uplink are private: a record needs an input, and none is wired here.
const internals = agent as unknown as { pipeline: { event(e: object): string }; uplink: { on(e: "acked", f: (r: Array<{ id: string }>) => void): void } };
const published = new Promise<void>((resolve) => {
  let id = "";
  internals.uplink.on("acked", (records) => {
    if (records.some((r) => r.id === id)) resolve();
  });
  id = internals.pipeline.event({ type: "bench_start", severity: "info", startedAt: new Date().toISOString() });
});
await published;
const ms = performance.now() - started;
await agent.stop();
process.stdout.write(`${JSON.stringify({ ms })}\n`);
