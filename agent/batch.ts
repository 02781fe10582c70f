/**
 * Batched backfill: many records in one MQTT message while a backlog drains. Managed brokers
 * bill per message in 5 KB units and a cellular link pays per byte, so a day of positions sent
 * one by one costs far more than the same records packed.
 *
 * Format (topic `<prefix>/<truckId>/batch`; under MQTT 5 content type BATCH_CONTENT_TYPE): one
 * format byte (FORMAT_COMPACT), then raw DEFLATE of
 *
 *   truckId (string) · schema · count · first seq · flags (bit 0: signed) · [signature, 64 bytes]
 *   seq deltas (count − 1 zigzag varints)
 *   links: how many records carry their `prev` explicitly, then per such record its index and
 *          the link (0 none, 1 null, 2 a 32-byte hash); every other record's `prev` is the chain
 *          hash of the record before it in the batch, which the decoder recomputes
 *   forms: one byte per record — 0 position columns, 1 JSON without id/truckId/prev, 2 JSON whole
 *   the JSON records (length-prefixed strings), then the position columns (agent/batch-position.ts)
 *
 * Integrity: one Ed25519 signature per batch, over the chain hash of its last record; through the
 * chain it covers every record of the batch (agent/trail/chain.ts). The decoder gives every record
 * back exactly as the agent stored it — `id`, `prev` and key order included — and puts the batch
 * signature on the last one as `sig`, where a single message carries it.
 *
 * The former format (gzip NDJSON, first byte 0x1f) is still read, for messages from older agents.
 */
import { deflateRawSync, gunzipSync, inflateRawSync } from "node:zlib";
import type { AgentRecord } from "./contracts.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { positionRecord, positionRow, readPositions, writePositions, type PositionRow } from "./batch-position.js";
import { decodeHash, encodeHash, recordHash } from "./trail/chain.js";
import type { Signer } from "./trail/identity.js";

export const BATCH_CONTENT_TYPE = "application/x-muck-batch";
const FORMAT_COMPACT = 0xb1;
const GZIP_MAGIC = 0x1f;
const SIGNATURE_BYTES = 64;

const FORM_POSITION = 0;
const FORM_JSON = 1;
const FORM_JSON_WHOLE = 2;

export interface BatchLimits {
  maxRecords: number;
  /** Payload bytes at most. */
  maxBytes: number;
}

export function encodeBatch(records: readonly AgentRecord[], signer: Signer | null = null): Buffer {
  const first = records[0]!;
  const hashes = records.map((r) => recordHash(r));
  const out = new ByteWriter().string(first.truckId).uint(first.schema).uint(records.length).uint(first.seq);
  out.byte(signer === null ? 0 : 1);
  if (signer !== null) out.bytes(Buffer.from(signer.sign(hashes.at(-1)!), "base64url"));

  records.slice(1).forEach((r, i) => out.int(r.seq - records[i]!.seq));
  writeLinks(out, records, hashes);

  const rows = records.map((r) => positionRow(r, first.truckId, first.schema));
  for (let i = 0; i < records.length; i++) out.byte(rows[i] !== null ? FORM_POSITION : jsonForm(records[i]!, first.truckId));
  records.forEach((r, i) => {
    if (rows[i] === null) out.string(jsonForm(r, first.truckId) === FORM_JSON ? JSON.stringify(stripped(r)) : JSON.stringify(r));
  });
  writePositions(out, rows.filter((row): row is PositionRow => row !== null));

  return Buffer.concat([Buffer.from([FORMAT_COMPACT]), deflateRawSync(out.toBuffer(), { level: 9 })]);
}

export function decodeBatch(payload: Buffer): AgentRecord[] {
  if (payload[0] === GZIP_MAGIC) return decodeNdjson(payload);
  if (payload[0] !== FORMAT_COMPACT) throw new Error(`unknown batch format ${payload[0]}`);

  const input = new ByteReader(inflateRawSync(payload.subarray(1)));
  const truckId = input.string();
  const schema = input.uint();
  const count = input.uint();
  const seqs = [input.uint()];
  const signature = (input.byte() & 1) === 1 ? input.bytes(SIGNATURE_BYTES).toString("base64url") : null;
  for (let i = 1; i < count; i++) seqs.push(seqs[i - 1]! + input.int());

  const links = readLinks(input);
  const forms = Array.from({ length: count }, () => input.byte());
  const json = new Map<number, AgentRecord>();
  forms.forEach((form, i) => {
    if (form !== FORM_POSITION) json.set(i, JSON.parse(input.string()) as AgentRecord);
  });
  const rows = readPositions(input, seqs.filter((_, i) => forms[i] === FORM_POSITION));

  const records: AgentRecord[] = [];
  let row = 0;
  for (let i = 0; i < count; i++) {
    const prev = links.has(i) ? links.get(i) : encodeHash(recordHash(records[i - 1]!));
    const form = forms[i]!;
    if (form === FORM_POSITION) records.push(positionRecord(rows[row++]!, truckId, schema, prev));
    else if (form === FORM_JSON) records.push(restored(json.get(i)!, truckId, prev));
    else records.push(json.get(i)!);
  }
  if (signature !== null) records.at(-1)!.sig = signature;
  return records;
}

/**
 * The longest prefix of `records` whose batch fits the limits, and its payload. Shrinks in
 * proportion to the overshoot, so a too-large first try costs one or two more encodings, not
 * one per record. A single record that does not fit alone is returned alone (sent unbatched).
 */
export function packBatch(
  records: readonly AgentRecord[],
  limits: BatchLimits,
  signer: Signer | null = null,
): { count: number; payload: Buffer } {
  let count = Math.min(records.length, limits.maxRecords);
  let payload = encodeBatch(records.slice(0, count), signer);

  while (payload.length > limits.maxBytes && count > 1) {
    const shrunk = Math.floor((count * limits.maxBytes * 0.95) / payload.length);
    count = Math.max(1, Math.min(count - 1, shrunk));
    payload = encodeBatch(records.slice(0, count), signer);
  }
  return { count, payload };
}

/** Records whose `prev` is not simply the chain hash of the record before them in the batch. */
function writeLinks(out: ByteWriter, records: readonly AgentRecord[], hashes: readonly Buffer[]): void {
  const explicit = records
    .map((r, i) => ({ r, i }))
    .filter(({ r, i }) => i === 0 || typeof r.prev !== "string" || r.prev !== encodeHash(hashes[i - 1]!));
  out.uint(explicit.length);
  for (const { r, i } of explicit) {
    out.uint(i);
    if (r.prev === undefined) out.byte(0);
    else if (r.prev === null) out.byte(1);
    else out.byte(2).bytes(decodeHash(r.prev)!);
  }
}

function readLinks(input: ByteReader): Map<number, string | null | undefined> {
  const links = new Map<number, string | null | undefined>();
  const count = input.uint();
  for (let n = 0; n < count; n++) {
    const index = input.uint();
    const tag = input.byte();
    links.set(index, tag === 0 ? undefined : tag === 1 ? null : encodeHash(Buffer.from(input.bytes(32))));
  }
  return links;
}

/** FORM_JSON when dropping id/truckId/prev and adding them back gives the same JSON, else whole. */
function jsonForm(record: AgentRecord, truckId: string): number {
  const back = restored(stripped(record), truckId, record.prev);
  return JSON.stringify(back) === JSON.stringify(record) ? FORM_JSON : FORM_JSON_WHOLE;
}

function stripped(record: AgentRecord): Partial<AgentRecord> {
  const { id: _id, truckId: _truck, prev: _prev, ...rest } = record;
  return rest;
}

function restored(rest: Partial<AgentRecord>, truckId: string, prev: string | null | undefined): AgentRecord {
  const record = { id: `${truckId}:${rest.seq}`, truckId, ...rest } as AgentRecord;
  if (prev !== undefined) record.prev = prev;
  return record;
}

function decodeNdjson(payload: Buffer): AgentRecord[] {
  const text = gunzipSync(payload).toString("utf8");
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as AgentRecord);
}
