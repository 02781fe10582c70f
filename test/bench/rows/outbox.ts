/**
 * Row 4, outbox: durable write rate (records accepted a second) against bare `level` batch puts
 * of the same records with the same batch size and `sync: true`. The agent's group commit writes
 * whatever was accepted within `syncIntervalMs` as one synced batch; here each batch is closed
 * with flush() after BATCH records instead of waiting for the timer, so both sides write batches
 * of the same size and the timer's wait is not counted. The baseline builds the same keys and
 * JSON values in its loop: any store has to serialise a record. Alternated three times; medians.
 */
import { join } from "node:path";
import { Level } from "level";
import type { AgentRecord } from "../../../agent/contracts.js";
import { Outbox, priorityOf, recordKey } from "../../../agent/outbox.js";
import { RecordFactory } from "../../../agent/records.js";
import { outboxOptionsFor } from "../../../agent/storage-budget.js";
import { benchConfig } from "../truck-agent.js";
import { alternate, median, timed, type BenchOptions, type RowResult } from "../measure.js";
import { fixOf } from "../workload.js";
import { truckAt } from "../../faults/truck-time.js";

const BATCH = 100;

export function positionRecords(count: number, truckId = "BENCH-OUTBOX", firstSeq = 1): AgentRecord[] {
  let seq = firstSeq;
  const factory = new RecordFactory(truckId, { take: () => seq++ });
  // One position every five truck seconds, as the cadence sends them while driving.
  return Array.from({ length: count }, (_, i) => factory.position(fixOf(truckAt((firstSeq - 1 + i) * 50))));
}

export async function outboxRow(options: BenchOptions): Promise<RowResult> {
  const records = positionRecords(options.quick ? 20_000 : 100_000);
  let run = 0;
  // The agent's own options (group commit, the write buffer its default budget gets): BATCH
  // stands in for what one commit interval gathers.
  const agentOptions = outboxOptionsFor(benchConfig("BENCH-OUTBOX").outbox);

  const agentRun = async () => {
    const outbox = await Outbox.open(join(options.scratch, `outbox-agent-${run++}`), agentOptions);
    const ms = await timed(async () => {
      for (let i = 0; i < records.length; i += BATCH) {
        const accepted = records.slice(i, i + BATCH).map((record) => outbox.accept(record));
        await outbox.flush();
        await Promise.all(accepted);
      }
    });
    await outbox.close();
    return (records.length / ms) * 1000;
  };
  const baselineRun = async () => {
    const db = new Level<string, string>(join(options.scratch, `outbox-bare-${run++}`), { valueEncoding: "utf8" });
    await db.open();
    const ms = await timed(async () => {
      for (let i = 0; i < records.length; i += BATCH) {
        const ops = records.slice(i, i + BATCH).map((r) => ({ type: "put" as const, key: recordKey(priorityOf(r), r.seq), value: JSON.stringify(r) }));
        await db.batch(ops, { sync: true });
      }
    });
    await db.close();
    return (records.length / ms) * 1000;
  };

  const runs = await alternate(3, agentRun, baselineRun);
  const agent = median(runs.agent);
  const baseline = median(runs.baseline);
  return {
    id: "4",
    name: "Outbox: durable writes",
    unit: "records/s",
    agent,
    baseline,
    ratio: agent / baseline,
    target: "≥ 0.7",
    met: agent / baseline >= 0.7,
    detail: { records: records.length, batch: BATCH, sync: true, runs },
  };
}
