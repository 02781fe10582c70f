/**
 * Stores for the rows that need one prepared: a backlog of a million positions, a store that has
 * seen millions of records written and acknowledged. Written through the agent's own Outbox in
 * chunks, so a million records never sit in memory at once.
 */
import { Outbox } from "../../agent/outbox.js";
import { positionRecords } from "./rows/outbox.js";

const CHUNK = 10_000;
/** What agent/runtime.ts does: compact the acknowledged head every 50,000 acknowledged records. */
const COMPACT_EVERY_ACKS = 50_000;

async function acceptChunk(outbox: Outbox, truckId: string, firstSeq: number, count: number) {
  const records = positionRecords(count, truckId, firstSeq);
  const accepted = records.map((record) => outbox.accept(record));
  await outbox.flush();
  await Promise.all(accepted);
  return records;
}

/** `count` positions waiting in the outbox at `folder`. */
export async function writeBacklog(folder: string, truckId: string, count: number): Promise<void> {
  const outbox = await Outbox.open(folder, { syncIntervalMs: 200 });
  for (let done = 0; done < count; done += CHUNK) await acceptChunk(outbox, truckId, done + 1, Math.min(CHUNK, count - done));
  await outbox.close();
}

/**
 * `count` positions written and acknowledged, a chunk at a time as a truck with a good link
 * does, with the agent's periodic compaction of the acknowledged head. The store ends empty.
 */
export async function writeAndAcknowledge(folder: string, truckId: string, count: number): Promise<void> {
  const outbox = await Outbox.open(folder, { syncIntervalMs: 200 });
  let sinceCompaction = 0;
  for (let done = 0; done < count; done += CHUNK) {
    const records = await acceptChunk(outbox, truckId, done + 1, Math.min(CHUNK, count - done));
    await outbox.ack(records);
    sinceCompaction += records.length;
    if (sinceCompaction >= COMPACT_EVERY_ACKS) {
      sinceCompaction = 0;
      await outbox.compactAcknowledged();
    }
  }
  await outbox.close();
}
