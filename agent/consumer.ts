/**
 * The reference consumer: how a platform reads what trucks send. Unpacks batches, drops
 * duplicates (delivery is at least once; a record's id is unique per truck forever), orders each
 * truck's records by sequence number — never by time: gateway clocks lie, and a backlog drains
 * events first — and reports the sequence numbers it never saw.
 *
 * A missing number is not always a lost record: the agent reserves numbers in blocks and a crash
 * skips the rest of one, and records thinned to fit the disk or lost with a corrupt store are
 * announced by `thinned` and `outbox_lost` events naming their ranges. Gaps those events cover
 * are reported apart, as accounted.
 */
import type { AgentRecord } from "./contracts.js";
import { decodeBatch } from "./batch.js";

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
}

export type SeqRange = [first: number, last: number];

export interface TruckSummary {
  records: number;
  duplicates: number;
  firstSeq: number;
  lastSeq: number;
  /** Numbers between first and last never received and not accounted for. */
  gaps: SeqRange[];
  /** Numbers never received that a `thinned` or `outbox_lost` event accounts for. */
  accounted: SeqRange[];
}

const ACCOUNTING_EVENTS = new Set(["thinned", "outbox_lost"]);

export class ReferenceConsumer {
  private readonly trucks = new Map<string, Map<number, AgentRecord>>();
  private readonly duplicates = new Map<string, number>();
  /** Messages that were neither a record nor a batch of them (status, foreign topics, garbage). */
  skipped = 0;

  /** Takes one MQTT message; returns the records it carried that were new. */
  receive(message: ReceivedMessage): AgentRecord[] {
    const records = this.unpack(message);
    return records.filter((record) => this.keep(record));
  }

  /** Every kept record, per truck in sequence order, trucks in name order. */
  ordered(): AgentRecord[] {
    return [...this.trucks.keys()].sort().flatMap((truck) => [...this.trucks.get(truck)!.values()].sort((a, b) => a.seq - b.seq));
  }

  summary(): Record<string, TruckSummary> {
    const out: Record<string, TruckSummary> = {};
    for (const [truck, records] of [...this.trucks].sort(([a], [b]) => a.localeCompare(b))) {
      const seqs = [...records.keys()].sort((a, b) => a - b);
      const accountedFor = accountedRanges([...records.values()]);
      const missing = missingRanges(seqs);
      out[truck] = {
        records: seqs.length,
        duplicates: this.duplicates.get(truck) ?? 0,
        firstSeq: seqs[0]!,
        lastSeq: seqs.at(-1)!,
        gaps: subtractRanges(missing, accountedFor),
        accounted: intersectRanges(missing, accountedFor),
      };
    }
    return out;
  }

  private unpack(message: ReceivedMessage): AgentRecord[] {
    const records = unpackMessage(message);
    if (records === null) this.skipped++;
    return records ?? [];
  }

  private keep(record: AgentRecord): boolean {
    let records = this.trucks.get(record.truckId);
    if (records === undefined) this.trucks.set(record.truckId, (records = new Map()));
    const kept = records.get(record.seq);
    if (kept !== undefined) {
      // A batch signs only its last record: keep a signature a later copy brings.
      if (kept.sig === undefined && record.sig !== undefined && kept.prev === record.prev) kept.sig = record.sig;
      this.duplicates.set(record.truckId, (this.duplicates.get(record.truckId) ?? 0) + 1);
      return false;
    }
    records.set(record.seq, record);
    return true;
  }
}

/**
 * The records one message carries, in the order they were sent: a batch's records (its signature
 * on the last one), or the single record; null for what is not records (the retained status, garbage).
 */
export function unpackMessage(message: ReceivedMessage): AgentRecord[] | null {
  try {
    if (message.topic.endsWith("/batch")) return decodeBatch(message.payload);
    if (message.topic.endsWith("/status")) return null;
    const record = JSON.parse(message.payload.toString("utf8")) as AgentRecord;
    return isRecord(record) ? [record] : null;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is AgentRecord {
  const r = value as Partial<AgentRecord>;
  return typeof r === "object" && r !== null && typeof r.truckId === "string" && Number.isSafeInteger(r.seq) && typeof r.kind === "string";
}

function missingRanges(sortedSeqs: number[]): SeqRange[] {
  const gaps: SeqRange[] = [];
  for (let i = 1; i < sortedSeqs.length; i++) {
    if (sortedSeqs[i]! > sortedSeqs[i - 1]! + 1) gaps.push([sortedSeqs[i - 1]! + 1, sortedSeqs[i]! - 1]);
  }
  return gaps;
}

function accountedRanges(records: AgentRecord[]): SeqRange[] {
  const ranges: SeqRange[] = [];
  for (const record of records) {
    const body = record.body as { type?: string; details?: { seqRanges?: SeqRange[] } };
    if (record.kind === "event" && ACCOUNTING_EVENTS.has(body.type ?? "")) ranges.push(...(body.details?.seqRanges ?? []));
  }
  return ranges;
}

function intersectRanges(ranges: SeqRange[], cover: SeqRange[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (const [a, b] of ranges) {
    for (const [c, d] of cover) {
      const lo = Math.max(a, c);
      const hi = Math.min(b, d);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return out.sort((x, y) => x[0] - y[0]);
}

function subtractRanges(ranges: SeqRange[], cover: SeqRange[]): SeqRange[] {
  let rest = ranges;
  for (const [c, d] of cover) {
    rest = rest.flatMap(([a, b]): SeqRange[] => {
      if (d < a || c > b) return [[a, b]];
      const parts: SeqRange[] = [];
      if (c > a) parts.push([a, c - 1]);
      if (d < b) parts.push([d + 1, b]);
      return parts;
    });
  }
  return rest;
}
