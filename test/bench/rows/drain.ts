/**
 * Row 5, drain: records a second delivered from a backlog in the outbox to mosquitto (until the
 * outbox is empty: every record published, PUBACKed and deleted) against a bare mqtt.js loop
 * publishing the same JSON payloads at QoS 1 to the same broker with the same number of messages
 * in flight (`mqtt.maxInFlight`, 32). 5a sends every record alone (`backfill.minBacklog` 0); 5b
 * uses the default batched backfill and counts records, not messages. Both timings start before
 * the connection is made.
 */
import { join } from "node:path";
import mqtt from "mqtt";
import type { AgentRecord } from "../../../agent/contracts.js";
import { Outbox } from "../../../agent/outbox.js";
import { Uplink, recordTopic, type UplinkStats } from "../../../agent/uplink.js";
import { median, until, type BenchOptions, type RowResult } from "../measure.js";
import { outboxOptionsFor } from "../../../agent/storage-budget.js";
import { benchConfig } from "../truck-agent.js";
import { positionRecords } from "./outbox.js";

const FILL_BATCH = 1000;
let client = 0;

export async function fillOutbox(folder: string, records: AgentRecord[]): Promise<Outbox> {
  const outbox = await Outbox.open(folder, outboxOptionsFor(benchConfig("BENCH-DRAIN").outbox));
  for (let i = 0; i < records.length; i += FILL_BATCH) {
    const accepted = records.slice(i, i + FILL_BATCH).map((record) => outbox.accept(record));
    await outbox.flush();
    await Promise.all(accepted);
  }
  return outbox;
}

/** Drains `outbox` through the agent's Uplink; resolves with the wall time and the uplink's counters. */
export async function drainThrough(outbox: Outbox, url: string, truckId: string, batched: boolean): Promise<{ ms: number; stats: UplinkStats }> {
  const config = benchConfig(truckId);
  const backfill = batched ? config.backfill : { ...config.backfill, minBacklog: 0 };
  const uplink = new Uplink(outbox, { ...config.mqtt, url, truckId, backfill });
  const started = performance.now();
  uplink.start();
  await until(() => outbox.depth === 0, 600_000, "the backlog to drain");
  const ms = performance.now() - started;
  const stats = uplink.stats();
  await uplink.stop();
  return { ms, stats };
}

/** The bare loop: one QoS 1 publish per payload, `window` unacknowledged at a time. */
export async function bareQos1(url: string, topic: string, payloads: string[], window: number): Promise<number> {
  const started = performance.now();
  const bare = mqtt.connect(url, { clientId: `bench-bare-${process.pid}-${client++}`, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    bare.once("connect", () => resolve());
    bare.once("error", reject);
  });

  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let acked = 0;
    const send = () => {
      const payload = payloads[next++]!;
      bare.publish(topic, payload, { qos: 1 }, (error) => {
        if (error) return reject(error);
        if (++acked === payloads.length) return resolve();
        if (next < payloads.length) send();
      });
    };
    for (let i = 0; i < Math.min(window, payloads.length); i++) send();
  });
  const ms = performance.now() - started;
  await bare.endAsync();
  return ms;
}

export async function drainRows(options: BenchOptions): Promise<RowResult[]> {
  const count = options.quick ? 20_000 : 100_000;
  const window = benchConfig("X").mqtt.maxInFlight;
  const baselineRates: number[] = [];
  const rates = { single: [] as number[], batched: [] as number[] };
  const stats: Record<string, UplinkStats> = {};

  const rounds = options.quick ? 1 : 2;
  for (let round = 0; round < rounds; round++) {
    for (const mode of ["single", "batched"] as const) {
      const truckId = `BENCH-DRAIN-${mode}-${round}`;
      const records = positionRecords(count, truckId);
      const outbox = await fillOutbox(join(options.scratch, `drain-${mode}-${round}`), records);
      const payloads = records.map((record) => JSON.stringify(record));

      baselineRates.push((count / (await bareQos1(options.brokerUrl, recordTopic("muck", `bare-${round}`, "position"), payloads, window))) * 1000);
      // A truck's agent holds no copy of its backlog in memory: let go of both before its drain,
      // or every full collection during it marks 200,000 objects that belong to the benchmark.
      records.length = 0;
      payloads.length = 0;
      const drained = await drainThrough(outbox, options.brokerUrl, truckId, mode === "batched");
      rates[mode].push((count / drained.ms) * 1000);
      stats[`${mode}-${round}`] = drained.stats;
      await outbox.close();
    }
  }

  const baseline = median(baselineRates);
  const single = median(rates.single);
  const batched = median(rates.batched);
  const detail = { records: count, inFlight: window, baselineRates, rates, uplink: stats };
  return [
    { id: "5a", name: "Drain 100k backlog, one record a message", unit: "records/s", agent: single, baseline, ratio: single / baseline, target: "≥ 0.8", met: single / baseline >= 0.8, detail },
    { id: "5b", name: "Drain 100k backlog, batched backfill", unit: "records/s", agent: batched, baseline, ratio: batched / baseline, target: "≥ 5", met: batched / baseline >= 5, detail: { records: count } },
  ];
}
