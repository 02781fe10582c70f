/**
 * What arrival order says about one truck's records, before the chain is walked: which copies
 * are plain duplicates of at-least-once delivery, which are replays, which records came out of
 * order, and which sequence numbers arrived with two different contents.
 *
 * The agent's promises this judges by (README, Delivery): within one class (events, trips,
 * positions, weights) first deliveries come in sequence order; a record is sent again only while
 * unacknowledged, so a resend trails its first copy by at most the in-flight window
 * (mqtt.maxInFlight messages of up to backfill.maxRecords records). A copy that arrives after
 * more than `replayWindow` newer records of its class were first delivered is not a resend: it
 * is a replay.
 */
import type { AgentRecord } from "../contracts.js";
import { priorityOf } from "../outbox.js";
import { recordDigest } from "./chain.js";

export interface Arrivals {
  /** Per sequence number, the copies with different content, first arrival first. */
  variants: Map<number, AgentRecord[]>;
  duplicates: number;
  replayed: number[];
  /** First deliveries with a lower number than one already first-delivered in their class. */
  outOfOrder: number[];
}

export function sortArrivals(records: readonly AgentRecord[], replayWindow: number): Arrivals {
  const variants = new Map<number, AgentRecord[]>();
  const firstDelivered = new Map<number, number[]>();
  const out: Arrivals = { variants, duplicates: 0, replayed: [], outOfOrder: [] };

  for (const record of records) {
    const seen = variants.get(record.seq);
    const delivered = classList(firstDelivered, record);
    if (seen === undefined) {
      if (delivered.length > 0 && record.seq < delivered.at(-1)!) out.outOfOrder.push(record.seq);
      insertSorted(delivered, record.seq);
      variants.set(record.seq, [{ ...record }]);
      continue;
    }

    const same = seen.find((copy) => recordDigest(copy).equals(recordDigest(record)) && copy.prev === record.prev);
    if (same === undefined) {
      seen.push({ ...record });
    } else {
      // A batch signs only its last record: a copy may bring the signature the first one lacked.
      same.sig ??= record.sig;
      if (newerThan(delivered, record.seq) > replayWindow) out.replayed.push(record.seq);
      else out.duplicates++;
    }
  }
  return out;
}

function classList(lists: Map<number, number[]>, record: AgentRecord): number[] {
  const cls = priorityOf(record) ?? 0;
  let list = lists.get(cls);
  if (list === undefined) lists.set(cls, (list = []));
  return list;
}

/** How many numbers in the sorted list are above seq. */
function newerThan(sorted: readonly number[], seq: number): number {
  return sorted.length - upperBound(sorted, seq);
}

function insertSorted(sorted: number[], seq: number): void {
  sorted.splice(upperBound(sorted, seq), 0, seq);
}

function upperBound(sorted: readonly number[], seq: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
