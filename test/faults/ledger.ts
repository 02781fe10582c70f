/**
 * The test's books on one truck: every record the agent reported accepted (its stdout), every
 * record found durable in the outbox after a kill -9 though not yet reported, and every record
 * the consumer received. Indexed by sequence number in typed arrays, so a simulated week (millions
 * of records) fits in a few tens of megabytes; contents are compared by a 32-bit hash of the JSON.
 *
 * Why "durable, not yet reported" exists: the agent prints a record after its synced write
 * returns. A kill -9 between the write and the print leaves a record in the store that the test
 * never saw accepted; the restarted agent rightly sends it. The harness copies the store after
 * every kill and books such records here, so "nothing arrives that was never accepted" stays
 * exact instead of growing a tolerance.
 */
import type { AgentRecord } from "../../agent/contracts.js";

export type SeqRange = [first: number, last: number];

const ACCEPTED = 1;
const DURABLE = 2;
const DELIVERED = 4;

export const KINDS = ["event", "trip", "position", "weight", "status"] as const;
const KIND_CODE = new Map<string, number>(KINDS.map((kind, i) => [kind, i + 1]));
const OTHER_KIND = KINDS.length + 1;

export interface Accounting {
  type: "thinned" | "outbox_lost";
  /** For `thinned`: the kind it removed; `outbox_lost` accounts for every kind. */
  kind: string | null;
  ranges: SeqRange[];
  /** For `thinned`: how many records the pass removed. */
  removed: number;
}

export interface Inversion {
  kind: string;
  seq: number;
  after: number;
}

export class Ledger {
  accepted = 0;
  durableUnreported = 0;
  deliveredUnique = 0;
  duplicates = 0;
  /** The highest sequence number booked or delivered. */
  maxSeq = 0;
  /** Accounting events received (`thinned`, `outbox_lost`). */
  readonly accounting: Accounting[] = [];
  readonly inversions: Inversion[] = [];
  inversionCount = 0;
  /** Content conflicts: one sequence number with two different records. */
  readonly conflicts: string[] = [];
  /** Records, accepted or delivered, that carry another truck id or a malformed id. */
  readonly foreign: string[] = [];
  private flags = new Uint8Array(1024);
  private kinds = new Uint8Array(1024);
  private acceptedHash = new Uint32Array(1024);
  private deliveredHash = new Uint32Array(1024);
  private readonly lastFirst = new Map<string, number>();

  constructor(readonly truckId: string) {}

  id(seq: number): string {
    return `${this.truckId}:${seq}`;
  }

  /** A line of the agent's stdout: this record is durable. */
  accept(line: string): AgentRecord {
    const record = JSON.parse(line) as AgentRecord;
    if (record.truckId !== this.truckId || record.id !== this.id(record.seq)) this.foreign.push(record.id);
    this.book(record, hashOf(line), ACCEPTED);
    this.accepted++;
    return record;
  }

  /** A record found in the outbox after a kill; books it when the agent had not reported it. */
  durable(json: string): boolean {
    const record = JSON.parse(json) as AgentRecord;
    if (this.has(record.seq, ACCEPTED)) {
      if (this.acceptedHash[record.seq] !== hashOf(json)) {
        this.conflicts.push(`${record.id}: the store holds other content than was accepted`);
      }
      return false;
    }
    if (this.has(record.seq, DURABLE)) return false;
    this.book(record, hashOf(json), DURABLE);
    this.durableUnreported++;
    return true;
  }

  /** A record the consumer received (a single message or one line of a batch). */
  deliver(record: AgentRecord): void {
    const hash = hashOf(JSON.stringify(record));
    const seq = record.seq;
    if (record.truckId !== this.truckId) {
      this.foreign.push(record.id);
      return;
    }
    this.grow(seq);
    this.maxSeq = Math.max(this.maxSeq, seq);
    if (this.has(seq, DELIVERED)) {
      this.duplicates++;
      if (this.deliveredHash[seq] !== hash) this.conflicts.push(`${record.id}: delivered twice with different content`);
      return;
    }

    this.flags[seq]! |= DELIVERED;
    this.deliveredHash[seq] = hash;
    this.deliveredUnique++;
    const last = this.lastFirst.get(record.kind) ?? 0;
    if (seq <= last) {
      this.inversionCount++;
      if (this.inversions.length < 10) this.inversions.push({ kind: record.kind, seq, after: last });
    }
    this.lastFirst.set(record.kind, Math.max(last, seq));
    this.noteAccounting(record);
  }

  isAccepted(seq: number): boolean {
    return this.has(seq, ACCEPTED | DURABLE);
  }

  isDelivered(seq: number): boolean {
    return this.has(seq, DELIVERED);
  }

  kindOf(seq: number): string {
    const code = this.kinds[seq] ?? 0;
    return code === 0 || code === OTHER_KIND ? "other" : KINDS[code - 1]!;
  }

  /** Accepted (or durable) records not yet delivered and not accounted for: what a drain still owes. */
  outstanding(limit = Infinity): number[] {
    const cover = accountingCover(this.accounting);
    const out: number[] = [];
    for (let seq = 1; seq <= this.maxSeq && out.length < limit; seq++) {
      if (this.has(seq, ACCEPTED | DURABLE) && !this.has(seq, DELIVERED) && !cover(seq, this.kindOf(seq))) out.push(seq);
    }
    return out;
  }

  /** Delivered records the agent never accepted, or whose content differs from what it accepted. */
  invented(limit = Infinity): string[] {
    const out: string[] = [];
    for (let seq = 1; seq <= this.maxSeq && out.length < limit; seq++) {
      if (!this.has(seq, DELIVERED)) continue;
      if (!this.has(seq, ACCEPTED | DURABLE)) out.push(`${this.id(seq)} (never accepted)`);
      else if (this.acceptedHash[seq] !== this.deliveredHash[seq]) out.push(`${this.id(seq)} (content differs from the accepted one)`);
    }
    return out;
  }

  /** Accepted records a `thinned` (same kind) or `outbox_lost` record accounts for, never delivered. */
  accountedMissing(): number {
    const cover = accountingCover(this.accounting);
    let count = 0;
    for (let seq = 1; seq <= this.maxSeq; seq++) {
      if (this.has(seq, ACCEPTED | DURABLE) && !this.has(seq, DELIVERED) && cover(seq, this.kindOf(seq))) count++;
    }
    return count;
  }

  private book(record: AgentRecord, hash: number, flag: number): void {
    const seq = record.seq;
    this.grow(seq);
    if (this.has(seq, ACCEPTED | DURABLE) && this.acceptedHash[seq] !== hash) {
      this.conflicts.push(`${record.id}: accepted twice with different content (a reused sequence number)`);
    }
    this.flags[seq]! |= flag;
    this.kinds[seq] = KIND_CODE.get(record.kind) ?? OTHER_KIND;
    this.acceptedHash[seq] = hash;
    this.maxSeq = Math.max(this.maxSeq, seq);
  }

  private noteAccounting(record: AgentRecord): void {
    if (record.kind !== "event") return;
    const body = record.body as { type?: string; details?: { kind?: string; seqRanges?: SeqRange[]; removed?: number } };
    if (body.type !== "thinned" && body.type !== "outbox_lost") return;
    this.accounting.push({
      type: body.type,
      kind: body.type === "thinned" ? (body.details?.kind ?? null) : null,
      ranges: body.details?.seqRanges ?? [],
      removed: body.details?.removed ?? 0,
    });
  }

  private has(seq: number, flag: number): boolean {
    return ((this.flags[seq] ?? 0) & flag) !== 0;
  }

  private grow(seq: number): void {
    if (seq < this.flags.length) return;
    const size = Math.max(seq + 1, this.flags.length * 2);
    this.flags = resized(this.flags, new Uint8Array(size));
    this.kinds = resized(this.kinds, new Uint8Array(size));
    this.acceptedHash = resized(this.acceptedHash, new Uint32Array(size));
    this.deliveredHash = resized(this.deliveredHash, new Uint32Array(size));
  }
}

/** Whether a `thinned` record of the record's kind, or an `outbox_lost` record, names its number. */
export function accountingCover(accounting: readonly Accounting[]): (seq: number, kind: string) => boolean {
  const byKind = new Map<string, SeqRange[]>();
  for (const a of accounting) {
    const key = a.type === "outbox_lost" ? "*" : (a.kind ?? "?");
    byKind.set(key, [...(byKind.get(key) ?? []), ...a.ranges]);
  }
  const merged = new Map([...byKind].map(([kind, ranges]) => [kind, mergeRanges(ranges)]));
  return (seq, kind) => inRanges(merged.get("*"), seq) || inRanges(merged.get(kind), seq);
}

export function mergeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: SeqRange[] = [];
  for (const [first, last] of sorted) {
    const top = out.at(-1);
    if (top !== undefined && first <= top[1] + 1) top[1] = Math.max(top[1], last);
    else out.push([first, last]);
  }
  return out;
}

function inRanges(ranges: readonly SeqRange[] | undefined, seq: number): boolean {
  if (ranges === undefined) return false;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = ranges[mid]!;
    if (seq < first) hi = mid - 1;
    else if (seq > last) lo = mid + 1;
    else return true;
  }
  return false;
}

function resized<T extends Uint8Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** FNV-1a over UTF-16 code units; never 0, so 0 means "no content booked". */
export function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0 || 1;
}
