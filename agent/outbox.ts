/**
 * The durable outbox: every record is written here before anything publishes it, and leaves
 * only when the broker acknowledged that very record (its PUBACK).
 *
 * Durability: `accept()` resolves once the record is in LevelDB through a synced batch write
 * (fsync of the write-ahead log). Records accepted within `syncIntervalMs` share one synced
 * batch (group commit), so a burst costs one fsync, and no record waits longer than that
 * interval. Deletes after PUBACK are not synced: a delete lost in a crash re-sends a record the
 * broker already has — a duplicate that consumers drop by id, never a loss.
 *
 * Layout: one LevelDB folder; key `r!<class>!<seq, 16 digits>` → the record as JSON. The class
 * is the drain priority (0 events, 1 trips, 2 positions, 3 weights), so each class is a forward
 * scan in sequence order and a drain can take the most important class first.
 */
import { EventEmitter } from "node:events";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { AgentRecord, RecordKind } from "./contracts.js";
import { logger } from "./log.js";
import { openStore, quarantine, salvage, type OutboxDb, type QuarantinedStore } from "./store-open.js";
import { droppedAtOpen, tornLogTail } from "./wal-check.js";
import { ChainLinker, recordDigest, type ChainHead } from "./trail/chain.js";

const RECORD_PREFIX = "r!";
const RECORD_END = "r~";
/** The head of the trail's hash chain, written in the same synced batch as the records it follows. */
const CHAIN_HEAD_KEY = "t!head";
const SEQ_DIGITS = 16;

/** Drain priority classes, most urgent first. */
export const PRIORITY_CLASSES = [0, 1, 2, 3] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

const CLASS_OF_KIND: Record<RecordKind, PriorityClass> = { event: 0, status: 0, trip: 1, position: 2, weight: 3 };

export function priorityOf(record: Pick<AgentRecord, "kind">): PriorityClass {
  return CLASS_OF_KIND[record.kind];
}

export interface OutboxOptions {
  /** Longest wait for a group commit, ms (≤ 1000). */
  syncIntervalMs: number;
  /** How long to wait for another process to release the store, ms. Default 60 s. */
  lockWaitMs?: number;
  /** LevelDB's write buffer, bytes. Default 1 MiB (WRITE_BUFFER_BYTES, what the agent uses). */
  writeBufferBytes?: number;
}

/**
 * What happened to a store found damaged at open (field case F11): moved aside and salvaged, or —
 * for records LevelDB dropped from its log (a torn tail, a bad checksum) — noted in place.
 */
export interface StoreRecovery extends QuarantinedStore {
  how: "moved-aside" | "torn-log-tail" | "log-records-dropped";
  /** Records brought back from the moved-aside copy into the fresh store. */
  recovered: number;
  firstRecoveredSeq: number | null;
  lastRecoveredSeq: number | null;
}

const SALVAGE_BATCH = 500;

interface Waiting {
  record: AgentRecord;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface PendingDelete {
  keys: Array<{ key: string; cls: PriorityClass }>;
  resolve: () => void;
  reject: (error: Error) => void;
}

export function recordKey(cls: PriorityClass, seq: number): string {
  return `${RECORD_PREFIX}${cls}!${String(seq).padStart(SEQ_DIGITS, "0")}`;
}

function classRange(cls: PriorityClass): { gt: string; lt: string } {
  return { gt: `${RECORD_PREFIX}${cls}!`, lt: `${RECORD_PREFIX}${cls}~` };
}

function parseKey(key: string): { cls: PriorityClass; seq: number } {
  return { cls: Number(key[RECORD_PREFIX.length]) as PriorityClass, seq: Number(key.slice(RECORD_PREFIX.length + 2)) };
}

/** What one thinning pass removed: every `keptEvery`-th record of the range was kept. */
export interface ThinPass {
  kind: RecordKind;
  fromSeq: number;
  toSeq: number;
  removed: number;
  keptEvery: number;
  /** Each removed record's sequence and chain digest, so a verifier can bridge the gap. */
  removedDigests: Array<{ seq: number; digest: Buffer }>;
}

export class Outbox extends EventEmitter<{ durable: [lastSeq: number]; rewind: [] }> {
  /**
   * Resolves once a corrupt store found at open has been salvaged (null when the store was
   * fine). Records brought back have lower sequence numbers than new ones, so 'rewind' tells the
   * uplink to read from the start again.
   */
  recovery: Promise<StoreRecovery | null> = Promise.resolve(null);
  private waiting: Waiting[] = [];
  private commitTimer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();
  private deleting = new Set<string>();
  private deletes: PendingDelete[] = [];
  private deleteRunning: Promise<void> | null = null;
  private counts: Record<PriorityClass, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
  private highestSeq = 0;
  private written = 0;
  private unreadable = 0;
  /** A thinning pass ran since open: from then on a PUBACK may name a record already removed. */
  private thinned = false;
  private closed = false;
  private readonly chain = new ChainLinker(null);
  private readonly log = logger("outbox");

  private constructor(
    private db: OutboxDb,
    private readonly options: OutboxOptions,
    private readonly folder: string,
  ) {
    super();
  }

  static async open(folder: string, options: OutboxOptions): Promise<Outbox> {
    const openOptions = { lockWaitMs: options.lockWaitMs ?? 60_000, writeBufferBytes: options.writeBufferBytes ?? 1024 * 1024 };
    const torn = tornLogTail(folder);
    let { db, quarantined } = await openStore(folder, openOptions);
    let outbox = new Outbox(db, options, folder);

    try {
      await outbox.loadCounters();
      await outbox.loadChainHead();
    } catch (error) {
      // A damaged table file opens fine and fails on the first read of its blocks: the full key
      // scan at open reads them all, so the damage is found here, before the truck relies on it.
      if ((error as { code?: string }).code !== "LEVEL_CORRUPTION") throw error;
      await db.close();
      quarantined = quarantine(folder, (error as Error).message);
      ({ db } = await openStore(folder, openOptions));
      outbox = new Outbox(db, options, folder);
      await outbox.loadCounters();
    }
    // Read before the store is opened again below: each open moves LevelDB's LOG to LOG.old.
    const dropped = quarantined === null ? droppedAtOpen(folder) : null;
    if (quarantined === null && outbox.depth > 0) {
      // The key scan touched every page of every table it read, and LevelDB keeps up to 64 tables
      // mapped: a big backlog left about 64 MiB of table pages resident (benchmark row 6) that
      // the drain, reading from the oldest record on, mostly does not need. Closing and opening
      // the store again unmaps them, for one more open (milliseconds: the log is empty after a
      // close). Another process may take the lock in between and write: the open then has to
      // wait for it, and the counts and chain head read under the first open are read again.
      // (One that opened, wrote and closed inside the gap of a millisecond or two, with its own
      // open and synced write, would not be noticed; a second agent holds the store open.)
      await db.close();
      let waited: boolean;
      ({ db, quarantined, waited } = await openStore(folder, openOptions));
      if (quarantined === null && !waited) {
        outbox.db = db;
      } else {
        outbox = new Outbox(db, options, folder);
        if (quarantined === null) await outbox.recount();
      }
    }
    if (quarantined !== null) outbox.log.warn({ folder }, "fresh outbox: the trail's hash chain starts again (outbox_lost accounts for the break)");

    if (quarantined !== null) outbox.recovery = outbox.bringBack(quarantined);
    else if (torn !== null || dropped !== null) outbox.recovery = Promise.resolve(notedInPlace(folder, torn, dropped));
    return outbox;
  }

  /** Records stored and not yet acknowledged. */
  get depth(): number {
    return this.counts[0] + this.counts[1] + this.counts[2] + this.counts[3];
  }

  depthOf(cls: PriorityClass): number {
    return this.counts[cls];
  }

  /** The highest sequence ever stored here (0 for an empty store). */
  get maxSeq(): number {
    return this.highestSeq;
  }

  /** Stores a record; resolves when it is synced to disk (the record is then "accepted"). */
  accept(record: AgentRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`outbox closed: record ${record.id} not accepted`));

    return new Promise((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      this.commitTimer ??= setTimeout(() => void this.commit(), this.options.syncIntervalMs);
    });
  }

  /** Writes every waiting record now, in one synced batch. */
  flush(): Promise<void> {
    return this.commit();
  }

  /**
   * Up to `limit` stored records of one class with a sequence above `afterSeq`, in sequence
   * order. Records whose delete is under way are skipped, so a re-read after a reconnect never
   * re-sends them.
   */
  async read(cls: PriorityClass, afterSeq: number, limit: number): Promise<AgentRecord[]> {
    // The drain asks every class, most urgent first, before each message; events and trips are
    // almost always none. An iterator on an empty range still costs a native seek (row 5 of the
    // benchmark found it the largest cost of an unbatched drain), so a class with nothing stored
    // is answered from the count: a record is counted as soon as its batch is written.
    if (this.counts[cls] === 0) return [];
    const out: AgentRecord[] = [];
    const unreadable: Array<[string, string]> = [];
    const range = classRange(cls);
    const iterator = this.db.iterator({ gt: afterSeq > 0 ? recordKey(cls, afterSeq) : range.gt, lt: range.lt, limit: limit + this.deleting.size });
    try {
      for await (const [key, value] of iterator) {
        if (this.deleting.has(key)) continue;
        const record = parseRecord(value);
        if (record === null) unreadable.push([key, value]);
        else {
          STORED_JSON.set(record, value);
          out.push(record);
        }
        if (out.length >= limit) break;
      }
    } finally {
      await iterator.close();
    }
    if (unreadable.length > 0) await this.setAside(cls, unreadable);
    return out;
  }

  /** Records set aside because they could not be read back, since start. */
  get unreadableCount(): number {
    return this.unreadable;
  }

  /**
   * A value that is not a record (a bit flip on flash, a bug in an old version) must not block
   * the records behind it: it is moved under `x!` (kept for a post-mortem, never sent) and counted.
   */
  private async setAside(cls: PriorityClass, entries: Array<[string, string]>): Promise<void> {
    const ops = entries.flatMap(([key, value]) => [
      { type: "put" as const, key: `x!${key}`, value },
      { type: "del" as const, key },
    ]);
    await this.db.batch(ops);
    this.counts[cls] -= entries.length;
    this.unreadable += entries.length;
    this.log.error({ keys: entries.map(([key]) => key) }, "unreadable records set aside; the drain goes on");
  }

  /** The oldest stored record of any class (by sequence), for the status's backlog age. */
  async oldest(): Promise<AgentRecord | null> {
    const firsts = await Promise.all(PRIORITY_CLASSES.map((cls) => this.read(cls, 0, 1)));
    const records = firsts.flat();
    return records.length === 0 ? null : records.reduce((a, b) => (a.seq < b.seq ? a : b));
  }

  /** The broker acknowledged these records: delete them. */
  async ack(records: ReadonlyArray<Pick<AgentRecord, "seq" | "kind">>): Promise<void> {
    if (this.closed) return;
    const keys = records.map((r) => ({ key: recordKey(priorityOf(r), r.seq), cls: priorityOf(r) })).filter(({ key }) => !this.deleting.has(key));
    if (keys.length === 0) return;

    for (const { key } of keys) this.deleting.add(key);
    try {
      await new Promise<void>((resolve, reject) => {
        this.deletes.push({ keys, resolve, reject });
        this.deleteRunning ??= this.runDeletes().finally(() => (this.deleteRunning = null));
      });
    } finally {
      for (const { key } of keys) this.deleting.delete(key);
    }
  }

  /**
   * Deletes what every ack() handed over since the last round in one getMany and one batch: at
   * 32 messages in flight PUBACKs come back to back, and a round trip to LevelDB's thread per
   * PUBACK made an unbatched drain 50 times slower than the broker (benchmark row 5).
   */
  private async runDeletes(): Promise<void> {
    while (this.deletes.length > 0) {
      const round = this.deletes;
      this.deletes = [];
      const keys = round.flatMap((d) => d.keys);
      try {
        const stored = this.thinned ? await this.stillStored(keys) : keys;
        await this.db.batch(stored.map(({ key }) => ({ type: "del" as const, key })));
        for (const { cls } of stored) this.counts[cls]--;
      } catch (error) {
        for (const d of round) d.reject(error as Error);
        continue;
      }
      for (const d of round) d.resolve();
    }
  }

  /**
   * Only what is still there counts: thinning may have removed a record that was already read for
   * sending, and its PUBACK must not take it off the count a second time. Asked only once a
   * thinning pass has run — nothing else removes a record before its PUBACK — because a lookup
   * per acknowledged record was a tenth of an unbatched drain (benchmark row 5).
   */
  private async stillStored<T extends { key: string }>(keys: T[]): Promise<T[]> {
    const present = await this.db.getMany(keys.map(({ key }) => key));
    return keys.filter((_, i) => present[i] !== undefined);
  }

  /** Bytes of keys and values accepted since the store was opened (before LevelDB's compression). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Bytes the store's files take on disk now. */
  diskBytes(): number {
    let bytes = 0;
    for (const name of readdirSync(this.folder)) {
      // LevelDB deletes files as it compacts, between our listing and our stat: gone is 0 bytes.
      bytes += statSync(join(this.folder, name), { throwIfNoEntry: false })?.size ?? 0;
    }
    return bytes;
  }

  /**
   * Deletes all but every `keepEvery`-th of the oldest `scan` records of one class, then compacts
   * that key range so the disk space really comes back. Records in flight are never removed.
   * Returns null when the class holds fewer than two records.
   */
  async thinOldest(cls: PriorityClass, scan: number, keepEvery: number, inFlight: ReadonlySet<number>): Promise<ThinPass | null> {
    const oldest = await this.read(cls, 0, scan);
    if (oldest.length < 2) return null;

    const doomed = oldest.filter((r, i) => i % keepEvery !== 0 && !inFlight.has(r.seq));
    if (doomed.length === 0) return null;
    this.thinned = true;
    await this.ack(doomed);
    const range = classRange(cls);
    await this.db.compactRange(range.gt, recordKey(cls, oldest.at(-1)!.seq + 1));

    return {
      kind: oldest[0]!.kind,
      fromSeq: oldest[0]!.seq,
      toSeq: oldest.at(-1)!.seq,
      removed: doomed.length,
      keptEvery: keepEvery,
      removedDigests: doomed.map((r) => ({ seq: r.seq, digest: recordDigest(r) })),
    };
  }

  /**
   * Compacts the acknowledged head of every class: a queue deletes from its front all day, and
   * LevelDB keeps the tombstones until a compaction reaches them, so without this a restart would
   * wade through millions of them before the first live record.
   */
  async compactAcknowledged(): Promise<void> {
    for (const cls of PRIORITY_CLASSES) {
      const [first] = await this.read(cls, 0, 1);
      const range = classRange(cls);
      await this.db.compactRange(range.gt, first === undefined ? range.lt : recordKey(cls, first.seq));
    }
  }

  /** Flushes waiting records, then closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.commit();
    await this.recovery;
    this.closed = true;
    await this.db.close();
  }

  private commit(): Promise<void> {
    if (this.commitTimer !== null) {
      clearTimeout(this.commitTimer);
      this.commitTimer = null;
    }

    const batch = this.waiting;
    this.waiting = [];
    // Chained, so batches reach the disk (and resolve) in the order they were accepted.
    this.committing = this.committing.then(() => this.writeBatch(batch));
    return this.committing;
  }

  /** The chain head of the last accepted record; null before the first. */
  get chainHead(): ChainHead | null {
    return this.chain.current;
  }

  /**
   * Links the batch's records into the trail's chain and writes them with the new chain head in
   * one synced batch: after a crash the head on disk is exactly the last accepted record's, so the
   * next start continues the chain with no fork and no hole. A failed write leaves the head where
   * it was; those records were never accepted and never part of the chain.
   */
  private async writeBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 0) return;

    let head = this.chain.current;
    for (const w of batch) head = this.chain.link(w.record, head);
    const ops = batch.map((w) => ({ type: "put" as const, key: recordKey(priorityOf(w.record), w.record.seq), value: JSON.stringify(w.record) }));
    ops.push({ type: "put", key: CHAIN_HEAD_KEY, value: JSON.stringify(head) });
    try {
      await this.db.batch(ops, { sync: true });
      this.chain.adopt(head!);
      for (const op of ops) this.written += op.key.length + op.value.length;
    } catch (error) {
      this.log.error({ err: error, records: batch.length }, "outbox write failed; records not accepted");
      for (const w of batch) w.reject(error as Error);
      return;
    }

    for (const w of batch) {
      this.counts[priorityOf(w.record)]++;
      this.highestSeq = Math.max(this.highestSeq, w.record.seq);
    }
    for (const w of batch) w.resolve();
    this.emit("durable", this.highestSeq);
  }

  /** Copies what LevelDB's repair can still read from a corrupt store into this one. */
  private async bringBack(quarantined: QuarantinedStore): Promise<StoreRecovery> {
    const recovery: StoreRecovery = { ...quarantined, how: "moved-aside", recovered: 0, firstRecoveredSeq: null, lastRecoveredSeq: null };
    try {
      let batch: Array<{ type: "put"; key: string; value: string }> = [];
      for await (const [key, value] of salvage(quarantined.path, { gte: RECORD_PREFIX, lt: RECORD_END })) {
        batch.push({ type: "put", key, value });
        if (batch.length >= SALVAGE_BATCH) batch = await this.putSalvaged(batch, recovery);
      }
      await this.putSalvaged(batch, recovery);
    } catch (error) {
      this.log.error({ err: (error as Error).message, path: quarantined.path }, "repair of the corrupt store failed");
    }

    this.log.warn({ ...recovery }, "corrupt store salvaged");
    if (recovery.recovered > 0) this.emit("rewind");
    return recovery;
  }

  private async putSalvaged(
    batch: Array<{ type: "put"; key: string; value: string }>,
    recovery: StoreRecovery,
  ): Promise<[]> {
    if (batch.length === 0) return [];
    await this.db.batch(batch, { sync: true });

    for (const { key } of batch) {
      const { cls, seq } = parseKey(key);
      recovery.firstRecoveredSeq = Math.min(recovery.firstRecoveredSeq ?? seq, seq);
      recovery.lastRecoveredSeq = Math.max(recovery.lastRecoveredSeq ?? seq, seq);
      this.highestSeq = Math.max(this.highestSeq, seq);
      this.counts[cls]++;
    }
    recovery.recovered += batch.length;
    return [];
  }

  /** Counts and chain head read again, after another process had the store between two opens. */
  private async recount(): Promise<void> {
    this.log.warn({ folder: this.folder }, "another process had the store while the outbox reopened it; counting its records again");
    await this.loadCounters();
    await this.loadChainHead();
  }

  private async loadChainHead(): Promise<void> {
    const stored = await this.db.get(CHAIN_HEAD_KEY);
    if (stored !== undefined) this.chain.adopt(JSON.parse(stored) as ChainHead);
  }

  private async loadCounters(): Promise<void> {
    // Counting keys once at open keeps depth exact without a counter that could drift on a crash.
    // Read a thousand at a time: a promise per key made a million-record scan grow the heap by
    // tens of megabytes (benchmark row 6).
    const keys = this.db.keys({ gte: RECORD_PREFIX, lt: RECORD_END });
    try {
      for (let chunk = await keys.nextv(1000); chunk.length > 0; chunk = await keys.nextv(1000)) {
        for (const key of chunk) {
          const { cls, seq } = parseKey(key);
          this.counts[cls]++;
          this.highestSeq = Math.max(this.highestSeq, seq);
        }
      }
    } finally {
      await keys.close();
    }
  }

}

function notedInPlace(folder: string, torn: string | null, dropped: string | null): StoreRecovery {
  return {
    path: folder,
    error: dropped ?? torn!,
    how: dropped !== null ? "log-records-dropped" : "torn-log-tail",
    recovered: 0,
    firstRecoveredSeq: null,
    lastRecoveredSeq: null,
  };
}

/**
 * The JSON each record read from the store was stored as: JSON.stringify of the record, so the
 * drain publishes it as it is instead of serialising the record it was just parsed into again.
 */
const STORED_JSON = new WeakMap<AgentRecord, string>();

/** The record's JSON as stored, for a record this outbox read; its JSON.stringify otherwise. */
export function storedJson(record: AgentRecord): string {
  return STORED_JSON.get(record) ?? JSON.stringify(record);
}

function parseRecord(value: string): AgentRecord | null {
  try {
    const record = JSON.parse(value) as AgentRecord;
    return typeof record === "object" && record !== null && Number.isSafeInteger(record.seq) && typeof record.kind === "string" ? record : null;
  } catch {
    return null;
  }
}
