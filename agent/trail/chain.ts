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
import * as crypto from "node:crypto";
import type { AgentRecord } from "../contracts.js";

export const HASH_BYTES = 32;
export const DIGEST_BYTES = 16;

/**
 * RFC 8785 (JCS) for the JSON values records hold: keys sorted by UTF-16 code units, strings and
 * numbers as ECMAScript's JSON.stringify writes them. Ours rather than the `canonicalize` package
 * (which agent/ota uses) because it runs on every record twice — once in the outbox, once in a
 * batch — and is three times faster; a test holds the two equal on real records.
 *
 * Written for speed (benchmark rows 4 and 5: it was the largest cost of a durable write): keys
 * already in order are not sorted again, scalars are written inline without a recursive call,
 * and a key's quoted form is looked up rather than made again for every record.
 */
export function canonicalJson(value: unknown, skip: ReadonlySet<string> = NOTHING): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return canonicalArray(value);

  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (!ascending(keys)) keys.sort();

  let out = "";
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || skip.has(key)) continue;
    out += `${out === "" ? "{" : ","}${quotedKey(key)}:${scalarJson(item) ?? canonicalJson(item)}`;
  }
  return out === "" ? "{}" : `${out}}`;
}

function canonicalArray(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? null;
    out += `${i === 0 ? "" : ","}${scalarJson(item) ?? canonicalJson(item)}`;
  }
  return `${out}]`;
}

/** The JSON of a string, number or boolean; undefined for anything that needs canonicalJson. */
function scalarJson(item: unknown): string | undefined {
  const type = typeof item;
  return type === "string" || type === "number" || type === "boolean" ? JSON.stringify(item) : undefined;
}

function ascending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** Records use a few dozen distinct keys; the cap keeps a stream of odd objects from growing it. */
const QUOTED_KEYS = new Map<string, string>();
const QUOTED_KEYS_MAX = 1024;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (QUOTED_KEYS.size < QUOTED_KEYS_MAX) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}

const NOTHING: ReadonlySet<string> = new Set();
/** The record fields that are not part of what the chain commits to. */
const INTEGRITY_FIELDS: ReadonlySet<string> = new Set(["prev", "sig"]);

/** What the chain commits to for one record: its content without the integrity fields. */
export function recordDigest(record: AgentRecord): Buffer {
  return sha256(canonicalJson(record, INTEGRITY_FIELDS)).subarray(0, DIGEST_BYTES);
}

const NO_PREV = Buffer.alloc(HASH_BYTES);

export function linkHash(prev: Buffer | null, digest: Buffer): Buffer {
  return sha256(Buffer.concat([prev ?? NO_PREV, digest]));
}

/**
 * Node's one-shot hash (20.12 and later) where it exists: twice as fast as a Hash object for a
 * record-sized input, and the chain hashes twice per record on every write and every send.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: "buffer") => Buffer }).hash;

function sha256(data: string | Buffer): Buffer {
  return oneShot !== undefined ? oneShot("sha256", data, "buffer") : crypto.createHash("sha256").update(data).digest();
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
  private lastHash: { text: string; bytes: Buffer } | null = null;

  constructor(private head: ChainHead | null) {}

  get current(): ChainHead | null {
    return this.head;
  }

  /** Sets `record.prev` and returns the head the chain would have after it (not yet adopted). */
  link(record: AgentRecord, after: ChainHead | null = this.head): ChainHead {
    const prev = after?.hash ?? null;
    record.prev = prev;
    const bytes = linkHash(this.decoded(prev), recordDigest(record));
    const hash = encodeHash(bytes);
    this.lastHash = { text: hash, bytes };
    return { seq: record.seq, hash };
  }

  /** The previous link's hash as bytes: in a batch it is the hash this linker just made. */
  private decoded(prev: string | null): Buffer | null {
    if (prev === null) return null;
    return this.lastHash?.text === prev ? this.lastHash.bytes : decodeHash(prev);
  }

  adopt(head: ChainHead): void {
    this.head = head;
  }
}
