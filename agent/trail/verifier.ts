/**
 * `muck-agent verify`'s judgement of one truck's received records, by sequence and chain
 * (agent/trail/chain.ts), with the truck's registered public keys.
 *
 * 1. Arrival (agent/trail/arrivals.ts): duplicates, replays, records out of order, conflicting copies.
 * 2. The walk: records in sequence order, with the records a `thinned` event says it removed put
 *    back as digests; each record's hash is recomputed and its `prev` compared with the hash of
 *    the entry before it. Numbers with no entry and an intact link were never used (a crash skips
 *    the rest of a reserved block): `skipped`, not missing.
 * 3. Signatures: a valid one vouches for its record and, back along intact links, for every record
 *    before it: those are `verified`.
 * 4. Each broken link is named: a chain restart an `outbox_lost` accounts for; a link that skips
 *    received records (they were `inserted`, or `replayed` when genuine); a hole (`missing`, or
 *    accounted when a `thinned`/`outbox_lost` range covers it); else the record before was `modified`.
 */
import type { KeyObject } from "node:crypto";
import type { AgentRecord } from "../contracts.js";
import { sortArrivals } from "./arrivals.js";
import { decodeHash, linkHash, recordDigest } from "./chain.js";
import { verifyTrailSignature } from "./identity.js";
import { decodeRemoved } from "./thinned-digests.js";

export type SeqRange = [first: number, last: number];

export interface TruckVerdict {
  records: number;
  verified: number;
  /** Records no signature reaches because the chain breaks after them (at a tampering named below). */
  unverified: number;
  keyRegistered: boolean;
  /** At-least-once copies, the same record again within the resend window. */
  duplicates: number;
  /** Numbers never used: the chain runs straight across them. */
  skipped: SeqRange[];
  /** Ranges `thinned` events name, and how many records in them their digests bridge. */
  thinned: SeqRange[];
  thinnedRecords: number;
  /** Numbers lost with a corrupt store, and chain restarts, that an `outbox_lost` event accounts for. */
  outboxLost: SeqRange[];
  /** Found tampering (each list holds sequence numbers, `missing` ranges). */
  missing: SeqRange[];
  reordered: number[];
  modified: number[];
  inserted: number[];
  replayed: number[];
  badSignature: number[];
  tampered: boolean;
}

export interface VerifyOptions {
  /** Newer first deliveries of its class after which a repeated copy is a replay. */
  replayWindow: number;
}

interface Entry {
  seq: number;
  record: AgentRecord | null;
  digest: Buffer;
  prev: Buffer | null;
  hash: Buffer;
  linked: boolean;
}

const LINK_SEARCH = 2000;

export function verifyTruck(records: readonly AgentRecord[], keys: readonly KeyObject[], options: VerifyOptions): TruckVerdict {
  const arrivals = sortArrivals(records, options.replayWindow);
  const received = [...arrivals.variants.values()].map((copies) => copies[0]!).sort((a, b) => a.seq - b.seq);
  const accounting = accountingOf(received);
  const entries = walk(received, accounting.removed);

  const v: TruckVerdict = {
    records: received.length,
    verified: 0,
    unverified: 0,
    keyRegistered: keys.length > 0,
    duplicates: arrivals.duplicates,
    skipped: [],
    thinned: accounting.thinned,
    thinnedRecords: entries.filter((e) => e.record === null).length,
    outboxLost: [],
    missing: [],
    reordered: arrivals.outOfOrder.filter((seq) => !within(seq, accounting.lost)),
    modified: [...arrivals.variants].filter(([, copies]) => copies.length > 1).map(([seq]) => seq),
    inserted: [],
    replayed: arrivals.replayed,
    badSignature: [],
    tampered: false,
  };

  const signed = judgeSignatures(entries, keys, v);
  const covered = coverage(entries, signed);
  judgeBreaks(entries, covered, accounting.lost, v);

  const flagged = new Set([...v.badSignature, ...v.modified, ...v.replayed, ...v.inserted]);
  entries.forEach((e, i) => {
    if (e.record === null) return;
    if (covered[i]) v.verified++;
    else if (!v.keyRegistered || flagged.has(e.seq) || brokenAfter(entries, i)) v.unverified++;
    else v.inserted.push(e.seq);
  });
  for (const list of [v.modified, v.inserted, v.replayed, v.badSignature, v.reordered]) list.sort((a, b) => a - b);
  v.tampered = !v.keyRegistered || [v.missing, v.reordered, v.modified, v.inserted, v.replayed, v.badSignature].some((list) => list.length > 0);
  return v;
}

/**
 * Whether the chain breaks somewhere after entry i before the stream ends: then the signature
 * that would have vouched for i lies beyond a tampering already named, and i is only unverified.
 * A record with no break and no signature after it is vouched for by nothing: inserted.
 */
function brokenAfter(entries: readonly Entry[], i: number): boolean {
  for (let j = i + 1; j < entries.length; j++) if (!entries[j]!.linked) return true;
  return false;
}

function walk(received: readonly AgentRecord[], removed: ReadonlyMap<number, Buffer>): Entry[] {
  const bySeq = new Map<number, AgentRecord | Buffer>();
  for (const [seq, digest] of removed) bySeq.set(seq, digest);
  for (const record of received) bySeq.set(record.seq, record);

  const entries: Entry[] = [];
  for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
    const item = bySeq.get(seq)!;
    const before = entries.at(-1) ?? null;
    if (Buffer.isBuffer(item)) {
      // A thinned record: the agent committed to its digest; its link is the chain's own.
      const prev = before?.hash ?? null;
      entries.push({ seq, record: null, digest: item, prev, hash: linkHash(prev, item), linked: true });
      continue;
    }
    const prev = decodeHash(item.prev ?? null);
    const digest = recordDigest(item);
    const linked = before === null || (prev !== null && prev.equals(before.hash));
    entries.push({ seq, record: item, digest, prev, hash: linkHash(prev, digest), linked });
  }
  return entries;
}

/** Valid signatures; an invalid one is a modified record when it is valid for the hash the chain expected. */
function judgeSignatures(entries: readonly Entry[], keys: readonly KeyObject[], v: TruckVerdict): boolean[] {
  return entries.map((e, i) => {
    const sig = e.record?.sig;
    if (sig === undefined) return false;
    if (keys.some((key) => verifyTrailSignature(key, e.hash, sig))) return true;

    const expected = entries[i + 1]?.prev ?? null;
    const genuineForOriginal = expected !== null && keys.some((key) => verifyTrailSignature(key, expected, sig));
    (genuineForOriginal ? v.modified : v.badSignature).push(e.seq);
    return false;
  });
}

function coverage(entries: readonly Entry[], signed: readonly boolean[]): boolean[] {
  const covered = entries.map(() => false);
  for (let i = entries.length - 1; i >= 0; i--) {
    covered[i] = signed[i]! || (i + 1 < entries.length && covered[i + 1]! && entries[i + 1]!.linked);
  }
  return covered;
}

function judgeBreaks(entries: readonly Entry[], covered: readonly boolean[], lost: readonly SeqRange[], v: TruckVerdict): void {
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    const before = entries[i - 1]!;
    const hole: SeqRange | null = before.seq + 1 <= e.seq - 1 ? [before.seq + 1, e.seq - 1] : null;
    if (e.linked) {
      if (hole !== null) v.skipped.push(hole);
      continue;
    }

    if (e.prev === null) {
      // A fresh chain: only a store lost and rebuilt starts one (its outbox_lost range ends just before).
      const accounted = lost.some(([, last]) => last >= before.seq && last < e.seq);
      if (accounted && hole !== null) v.outboxLost.push(hole);
      else if (!accounted) v.missing.push(hole ?? [e.seq, e.seq]);
      continue;
    }

    const target = findLinkTarget(entries, i, e.prev);
    const holes = holesBefore(entries, i);
    if (target !== null) {
      for (const skipped of entries.slice(target + 1, i)) {
        if (skipped.record === null) continue;
        (covered[entries.indexOf(skipped)] ? v.replayed : v.inserted).push(skipped.seq);
      }
    } else if (holes.length > 0) {
      for (const gap of holes) (coveredBy(gap, lost) ? v.outboxLost : v.missing).push(gap);
    } else if (before.record !== null && !v.modified.includes(before.seq)) {
      v.modified.push(before.seq);
    } else if (before.record === null) {
      v.modified.push(e.seq);
    }
  }
}

/**
 * Numbers with no entry between entry i and the last received record before it: thinned records
 * stand in the chain as digests, so a hole among them is a record that went missing.
 */
function holesBefore(entries: readonly Entry[], i: number): SeqRange[] {
  const holes: SeqRange[] = [];
  for (let j = i; j >= 1; j--) {
    const [low, high] = [entries[j - 1]!.seq, entries[j]!.seq];
    if (low + 1 <= high - 1) holes.unshift([low + 1, high - 1]);
    if (entries[j - 1]!.record !== null) break;
  }
  return holes;
}

/** The entry, before the one just before i, whose hash `prev` names: what lies between was slipped in. */
function findLinkTarget(entries: readonly Entry[], i: number, prev: Buffer): number | null {
  for (let j = i - 2; j >= Math.max(0, i - LINK_SEARCH); j--) if (entries[j]!.hash.equals(prev)) return j;
  return null;
}

interface Accounting {
  removed: Map<number, Buffer>;
  thinned: SeqRange[];
  lost: SeqRange[];
}

/** What the truck's own `thinned` and `outbox_lost` events say went missing, and how. */
function accountingOf(records: readonly AgentRecord[]): Accounting {
  const out: Accounting = { removed: new Map(), thinned: [], lost: [] };
  for (const record of records) {
    const body = record.body as { type?: unknown; details?: { seqRanges?: unknown; removedDigests?: unknown } };
    if (record.kind !== "event") continue;
    if (body.type === "thinned" && typeof body.details?.removedDigests === "string") {
      for (const { seq, digest } of decodeRemoved(body.details.removedDigests)) out.removed.set(seq, digest);
      if (Array.isArray(body.details.seqRanges)) out.thinned.push(...(body.details.seqRanges as SeqRange[]));
    }
    if (body.type === "outbox_lost" && Array.isArray(body.details?.seqRanges)) out.lost.push(...(body.details.seqRanges as SeqRange[]));
  }
  return out;
}

function within(seq: number, ranges: readonly SeqRange[]): boolean {
  return ranges.some(([first, last]) => seq >= first && seq <= last);
}

function coveredBy([first, last]: SeqRange, ranges: readonly SeqRange[]): boolean {
  return ranges.some(([a, b]) => a <= first && last <= b);
}
