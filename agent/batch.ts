/**
 * Batched backfill: many records in one MQTT message while a backlog drains. Managed brokers
 * bill per message in 5 KB units and a cellular link pays per packet, so a day of positions sent
 * one by one costs far more than the same records packed and compressed.
 *
 * Format: topic `<prefix>/<truckId>/batch`; the payload is gzip-compressed NDJSON, one complete
 * record (the same JSON as a single publish) per line, in sequence order. Under MQTT 5 the
 * message carries content type `application/x-ndjson` and the user property
 * `content-encoding: gzip`. Every record keeps its own id, so a consumer unpacks and drops
 * duplicates exactly as for single records.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { AgentRecord } from "./contracts.js";

export const BATCH_CONTENT_TYPE = "application/x-ndjson";
export const BATCH_CONTENT_ENCODING = "gzip";

export interface BatchLimits {
  maxRecords: number;
  /** Compressed payload bytes at most. */
  maxBytes: number;
}

export function encodeBatch(records: readonly AgentRecord[]): Buffer {
  return gzipSync(records.map((r) => JSON.stringify(r)).join("\n"));
}

export function decodeBatch(payload: Buffer): AgentRecord[] {
  const text = gunzipSync(payload).toString("utf8");
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as AgentRecord);
}

/**
 * The longest prefix of `records` whose batch fits the limits, and its payload. Shrinks in
 * proportion to the overshoot, so a too-large first try costs one or two more compressions, not
 * one per record. A single record that does not fit alone is returned alone (sent unbatched).
 */
export function packBatch(records: readonly AgentRecord[], limits: BatchLimits): { count: number; payload: Buffer } {
  let count = Math.min(records.length, limits.maxRecords);
  let payload = encodeBatch(records.slice(0, count));

  while (payload.length > limits.maxBytes && count > 1) {
    const shrunk = Math.floor((count * limits.maxBytes * 0.95) / payload.length);
    count = Math.max(1, Math.min(count - 1, shrunk));
    payload = encodeBatch(records.slice(0, count));
  }
  return { count, payload };
}
