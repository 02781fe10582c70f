/**
 * The tamper-evident trail: every record a truck makes is a link of one hash chain.
 *
 *   digest(r) = SHA-256(RFC 8785 canonical JSON of r without `prev` and `sig`), first 16 bytes
 *   hash(r)   = SHA-256(prev(r) ‖ digest(r))      prev(r) = hash of the record before, 32 bytes
 *
 * A record carries `prev` (base64url), so anyone holding the records recomputes every hash and
 * sees a record changed, removed, inserted or moved: the next record's `prev` no longer matches.
 * The chain's order is the order records were accepted into the outbox, which is sequence order.
 * A signature over one hash (agent/trail/identity.ts) vouches for that record and, through the
 * links, for every record before it — so a batch needs one signature, not one per record.
 *
 * `prev: null` starts a chain: the truck's first record, and the first record of a fresh outbox
 * after a corrupt one was moved aside (its `outbox_lost` event accounts for the break).
 *
 * The JSON Canonicalization Scheme (RFC 8785) sorts object keys at every level and fixes the
 * number form, so the digest does not depend on the order a decoder
 * builds an object in, and a platform can recompute it in any language.
 */
import { createHash } from "node:crypto";
import type { AgentRecord } from "../contracts.js";

export const HASH_BYTES = 32;
export const DIGEST_BYTES = 16;

/**
 * RFC 8785 (JCS) for the JSON values records hold: keys sorted by UTF-16 code units, strings and
 * numbers as ECMAScript's JSON.stringify writes them. Ours rather than the `canonicalize` package
 * (which agent/ota uses) because it runs on every record twice — once in the outbox, once in a
 * batch — and is three times faster; a test holds the two equal on real records.
 */
export function canonicalJson(value: unknown, skip: ReadonlySet<string> = NOTHING): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;

  const object = value as Record<string, unknown>;
  let out = "";
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined || skip.has(key)) continue;
    out += `${out === "" ? "" : ","}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `{${out}}`;
}

const NOTHING: ReadonlySet<string> = new Set();
/** The record fields that are not part of what the chain commits to. */
const INTEGRITY_FIELDS: ReadonlySet<string> = new Set(["prev", "sig"]);

/** What the chain commits to for one record: its content without the integrity fields. */
export function recordDigest(record: AgentRecord): Buffer {
  return createHash("sha256").update(canonicalJson(record, INTEGRITY_FIELDS)).digest().subarray(0, DIGEST_BYTES);
}

export function linkHash(prev: Buffer | null, digest: Buffer): Buffer {
  return createHash("sha256")
    .update(prev ?? Buffer.alloc(HASH_BYTES))
    .update(digest)
    .digest();
}

/** The hash of a record that already carries its `prev`. */
export function recordHash(record: AgentRecord): Buffer {
  return linkHash(decodeHash(record.prev ?? null), recordDigest(record));
}

export function encodeHash(hash: Buffer): string {
  return hash.toString("base64url");
}

export function decodeHash(text: string | null): Buffer | null {
  if (text === null) return null;
  const hash = Buffer.from(text, "base64url");
  return hash.length === HASH_BYTES ? hash : Buffer.alloc(0);
}

/** The head of a chain: the last record linked so far. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Links records one after another. The outbox owns one, advancing it only with a synced write,
 * so the head on disk always belongs to the last accepted record (see Outbox.writeBatch).
 */
export class ChainLinker {
  constructor(private head: ChainHead | null) {}

  get current(): ChainHead | null {
    return this.head;
  }

  /** Sets `record.prev` and returns the head the chain would have after it (not yet adopted). */
  link(record: AgentRecord, after: ChainHead | null = this.head): ChainHead {
    record.prev = after?.hash ?? null;
    return { seq: record.seq, hash: encodeHash(recordHash(record)) };
  }

  adopt(head: ChainHead): void {
    this.head = head;
  }
}
