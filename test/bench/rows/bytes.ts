/**
 * Row 7, bytes on air: what batched backfill puts on the wire per position record — the MQTT
 * PUBLISH packets of the batches (fixed header, topic, packet id, payload: everything a record
 * carries, ids and integrity data included), divided by the records they hold — against JT/T
 * 808's position report, message 0x0200: 28-byte body, 12-byte header, two flag bytes and a
 * checksum, 43 bytes. The positions are what the agent's cadence makes of a truck's day (the
 * fault tests' duty cycle at 10 Hz through the RecordPipeline), drained through the real Uplink
 * with the default backfill limits. Measured on whatever batch format the agent has.
 */
import { join } from "node:path";
import type { AgentRecord } from "../../../agent/contracts.js";
import { RecordPipeline } from "../../../agent/pipeline.js";
import { truckAt } from "../../faults/truck-time.js";
import type { BenchOptions, RowResult } from "../measure.js";
import { benchConfig } from "../truck-agent.js";
import { startWireMeter } from "../wire-meter.js";
import { fixOf } from "../workload.js";
import { drainThrough, fillOutbox } from "./drain.js";

const JTT808_POSITION_BYTES = 43;

/** Position records as the agent's cadence makes them from `count` positions' worth of driving. */
function cadencePositions(truckId: string, count: number): AgentRecord[] {
  const config = benchConfig(truckId);
  const records: AgentRecord[] = [];
  let seq = 0;
  const pipeline = new RecordPipeline(config, { take: () => ++seq }, (record) => {
    if (record.kind === "position") records.push(record);
  }, () => Date.now());
  for (let e = 0; records.length < count; e++) pipeline.onFix(fixOf(truckAt(e)));
  return records;
}

export async function bytesRow(options: BenchOptions): Promise<RowResult> {
  const truckId = "BENCH-BYTES";
  const records = cadencePositions(truckId, options.quick ? 2000 : 10_000);
  const outbox = await fillOutbox(join(options.scratch, "bytes-outbox"), records);
  const meter = await startWireMeter(options.brokerPort);
  const { stats } = await drainThrough(outbox, meter.url, truckId, true);
  await outbox.close();
  await meter.close();

  const batches = meter.publishes.get("batch") ?? { packets: 0, bytes: 0, topicBytes: 0, payloadBytes: 0 };
  const singles = stats.published - stats.batches;
  const inBatches = stats.acknowledged - singles;
  const perRecord = batches.bytes / inBatches;
  return {
    id: "7",
    name: "Bytes on air per position, batched backfill",
    unit: "bytes/record",
    agent: perRecord,
    baseline: JTT808_POSITION_BYTES,
    ratio: perRecord / JTT808_POSITION_BYTES,
    target: "≤ 1.0",
    met: perRecord / JTT808_POSITION_BYTES <= 1,
    detail: {
      records: records.length,
      recordsInBatches: inBatches,
      batches: batches.packets,
      recordsPerBatch: inBatches / batches.packets,
      payloadBytesPerRecord: batches.payloadBytes / inBatches,
      mqttOverheadBytesPerRecord: (batches.bytes - batches.payloadBytes) / inBatches,
      topicBytesPerBatch: batches.topicBytes / batches.packets,
      singlesSent: singles,
    },
  };
}
