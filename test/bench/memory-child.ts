/**
 * Row 6's child: one agent's storage and input half in a process of its own, so its RSS is its
 * own. Opens the outbox at argv[2] (a million records, or none), runs the storage budget and an
 * uplink to a broker that is down (argv[3]) while ten minutes of truck input go through the
 * pipeline into the outbox, then lets an uplink to the live broker (argv[4]) drain for a few
 * seconds. Prints its peak RSS in bytes as JSON.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Outbox } from "../../agent/outbox.js";
import { StorageBudget, outboxOptionsFor } from "../../agent/storage-budget.js";
import { Uplink } from "../../agent/uplink.js";
import { buildZoneIndex } from "../../config/zones/index.js";
import { seededRandom } from "../../simulator/prng.js";
import { CITY_TIME_ZONE, makeCityZones } from "../zones/city-zones.js";
import { benchConfig, truckAgent } from "./truck-agent.js";
import { truckStream } from "./workload.js";

const [dataDir, downUrl, liveUrl, truckId, epochsArg, drainSArg] = process.argv.slice(2) as [string, string, string, string, string, string];
const config = benchConfig(truckId, { dataDir });
let peak = process.memoryUsage.rss();
/** Peaks of the kernel's split of RSS: the process's own memory, and mapped files (LevelDB maps its tables). */
const split = { anonKb: 0, fileKb: 0 };
const sample = () => {
  peak = Math.max(peak, process.memoryUsage.rss());
  const status = readFileSync("/proc/self/status", "utf8");
  split.anonKb = Math.max(split.anonKb, Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0));
  split.fileKb = Math.max(split.fileKb, Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0));
};
const sampler = setInterval(sample, 50);
/** Peak RSS at the end of each phase, MB, to tell which one grows. */
const phases: Record<string, number> = {};
const phase = (name: string) => {
  sample();
  phases[name] = Math.round(peak / 2 ** 20);
  phases[`${name}Anon`] = Math.round(split.anonKb / 1024);
};

const outbox = await Outbox.open(join(dataDir, "outbox"), outboxOptionsFor(config.outbox));
const depthAtOpen = outbox.depth;
phase("open");
const uplinkOptions = { ...config.mqtt, truckId, backfill: config.backfill, reconnectMinMs: 200, reconnectMaxMs: 1000 };
const offline = new Uplink(outbox, { ...uplinkOptions, url: downUrl });
offline.start();
const budget = new StorageBudget(outbox, { maxBytes: config.outbox.maxBytes }, () => offline.inFlightSeqs(), () => undefined);
budget.start();
await budget.enforce();

const zones = buildZoneIndex(makeCityZones(50, seededRandom(7)), { timeZone: CITY_TIME_ZONE });
const pending: Array<Promise<void>> = [];
const agent = truckAgent(config, zones, (record) => pending.push(outbox.accept(record)));
// Generated a minute at a time: the input is the truck's, not a buffer this process holds.
for (let first = 0; first < Number(epochsArg); first += 600) await agent.feed(truckStream(first, 600), true);
agent.close();
await outbox.flush();
await Promise.all(pending);
await offline.stop(100);
phase("ingest");

const online = new Uplink(outbox, { ...uplinkOptions, url: liveUrl });
online.start();
await new Promise((resolve) => setTimeout(resolve, Number(drainSArg) * 1000));
const drained = online.stats().acknowledged;
phase("drain");
await online.stop();
budget.stop();
await outbox.close();
clearInterval(sampler);

peak = Math.max(peak, process.memoryUsage.rss());
const maxRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({
  peakRss: Math.max(peak, maxRss),
  phasesMb: phases,
  peakAnonMb: Math.round(split.anonKb / 1024),
  peakFileMb: Math.round(split.fileKb / 1024),
  depthAtOpen,
  drained,
})}\n`);
