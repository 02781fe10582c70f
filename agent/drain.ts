/**
 * What the uplink sends next: reads the outbox class by class, most urgent first, and turns
 * records into MQTT messages — one record each, or a compressed batch while a backlog of
 * trips, positions or weights drains.
 *
 * Order: events before trips before positions before weights, and within a class by sequence.
 * A new event goes out before the rest of a position backlog, because every call starts again at
 * class 0. Events are never batched: an alarm must reach the platform on its own, at once.
 *
 * Signing happens here, at publish time, not in the store: a single record goes out with `sig`
 * over its own chain hash, a batch with one signature over its last record's (agent/batch.ts).
 * A resend is signed again; Ed25519 signatures are deterministic, so it carries the same bytes.
 */
import type { AgentRecord } from "./contracts.js";
import { BATCH_CONTENT_TYPE, packBatch, type BatchLimits } from "./batch.js";
import { recordHash } from "./trail/chain.js";
import type { Signer } from "./trail/identity.js";
import { PRIORITY_CLASSES, storedJson, type Outbox, type PriorityClass } from "./outbox.js";

export interface BackfillOptions extends BatchLimits {
  /** Batch a class only while at least this many of its records wait. 0 disables batching. */
  minBacklog: number;
}

export interface OutgoingMessage {
  records: AgentRecord[];
  /** Topic level after `<prefix>/<truckId>/`: the record kind, or `batch`. */
  kind: string;
  payload: string | Buffer;
  /** MQTT 5 properties for batches. */
  properties?: { contentType: string };
}

const READ_AHEAD = 256;

export class Drain {
  private cursors: Record<PriorityClass, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
  private readAhead: Record<PriorityClass, AgentRecord[]> = { 0: [], 1: [], 2: [], 3: [] };
  /** Bumped on every restart, so a read that straddles one is thrown away. */
  private generation = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly backfill: BackfillOptions,
    private readonly signer: Signer | null = null,
  ) {}

  /** Read everything not yet acknowledged again, from the start of every class. */
  restart(): void {
    this.cursors = { 0: 0, 1: 0, 2: 0, 3: 0 };
    this.readAhead = { 0: [], 1: [], 2: [], 3: [] };
    this.generation++;
  }

  /** The next message to publish, skipping records already in flight; null when nothing waits. */
  async next(inFlight: ReadonlySet<number>, deferred: ReadonlySet<number> = new Set()): Promise<OutgoingMessage | null> {
    for (const cls of PRIORITY_CLASSES) {
      if (deferred.has(cls)) continue;
      const message = await this.take(cls, inFlight);
      if (message === "restarted") return this.next(inFlight, deferred);
      if (message !== null) return message;
    }
    return null;
  }

  /** The next message of one class: one record, or as many as a batch may hold. */
  private async take(cls: PriorityClass, inFlight: ReadonlySet<number>): Promise<OutgoingMessage | null | "restarted"> {
    const batching = cls !== 0 && this.backfill.minBacklog > 0 && this.outbox.depthOf(cls) >= this.backfill.minBacklog;
    const queue = await this.fill(cls, batching ? this.backfill.maxRecords : 1);
    if (queue === "restarted") return queue;
    while (queue.length > 0 && inFlight.has(queue[0]!.seq)) this.advance(cls, 1);
    if (queue.length === 0) return null;

    const candidates = batching ? leadingNotInFlight(queue, this.backfill.maxRecords, inFlight) : [queue[0]!];
    if (candidates.length === 1) return this.single(this.advance(cls, 1)[0]!);

    const { count, payload } = packBatch(candidates, this.backfill, this.signer);
    const records = this.advance(cls, count);
    if (count === 1) return this.single(records[0]!);
    return { records, kind: "batch", payload, properties: { contentType: BATCH_CONTENT_TYPE } };
  }

  private single(record: AgentRecord): OutgoingMessage {
    const json = storedJson(record);
    const sig = this.signer?.sign(recordHash(record));
    if (sig === undefined) return { records: [record], kind: record.kind, payload: json };

    // The stored JSON with `sig` as its last key: what JSON.stringify({ ...record, sig }) writes.
    const payload = record.sig === undefined ? `${json.slice(0, -1)},"sig":${JSON.stringify(sig)}}` : JSON.stringify({ ...record, sig });
    return { records: [record], kind: record.kind, payload };
  }

  /**
   * The class's read-ahead with at least `wanted` records where the store has them. Topped up, not
   * only refilled when empty: otherwise every other batch took what a read of READ_AHEAD left over
   * (56 records after a batch of 200), and a backlog drained in twice the messages it needed.
   */
  private async fill(cls: PriorityClass, wanted: number): Promise<AgentRecord[] | "restarted"> {
    const queue = this.readAhead[cls];
    if (queue.length >= wanted || (queue.length > 0 && this.outbox.depthOf(cls) <= queue.length)) return queue;

    const generation = this.generation;
    const records = await this.outbox.read(cls, queue.at(-1)?.seq ?? this.cursors[cls], Math.max(READ_AHEAD, wanted));
    if (generation !== this.generation) return "restarted";
    this.readAhead[cls].push(...records);
    return this.readAhead[cls];
  }

  private advance(cls: PriorityClass, count: number): AgentRecord[] {
    const taken = this.readAhead[cls].splice(0, count);
    if (taken.length > 0) this.cursors[cls] = taken.at(-1)!.seq;
    return taken;
  }
}

/** The records at the head of the queue up to the first one already in flight (after a rewind). */
function leadingNotInFlight(queue: AgentRecord[], max: number, inFlight: ReadonlySet<number>): AgentRecord[] {
  const out: AgentRecord[] = [];
  for (const record of queue) {
    if (out.length >= max || inFlight.has(record.seq)) break;
    out.push(record);
  }
  return out;
}
