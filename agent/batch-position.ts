/**
 * Position records as columns for the compact batch (agent/batch.ts). A position is almost all
 * numbers that change a little per second, so it is split into one column per field; everything
 * the batch header already says (truck id, schema) or the chain lets the decoder recompute (`id`,
 * `prev`) is not written per record.
 *
 * Only records of exactly the shape RecordFactory.position() makes are taken; the encoder checks
 * that the columns rebuild the record to the same JSON, and anything else goes into the batch as
 * JSON instead — a batch never changes a record.
 */
import type { AgentRecord, FixQuality } from "./contracts.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { readColumn, writeColumn, type ColumnSpec } from "./batch-columns.js";

const QUALITIES: readonly FixQuality[] = ["none", "gps", "dgps", "pps", "rtk", "float-rtk", "estimated", "manual", "simulation"];
const BODY_KEYS = ["lat", "lon", "speedKmh", "courseDeg", "altM", "hdop", "sats", "quality"];
const NUMBER_FIELDS = ["speedKmh", "courseDeg", "altM", "hdop", "sats"] as const;
/** The record's own keys in positionRecord()'s order, up to its body (`timeUncertain` only when true). */
const RECORD_KEYS_BEFORE_BODY = ["id", "truckId", "seq", "kind", "gpsTime", "receivedAt", "schema", "timeUncertain"];

const TIME: ColumnSpec = { kind: "decimal", order: 2, scales: [0] };
const DELAY: ColumnSpec = { kind: "decimal", order: 1, scales: [0] };
const GEO: ColumnSpec = { kind: "geo", order: 2, scales: [4, 5, 6, 7, 8] };
const DECIMAL: ColumnSpec = { kind: "decimal", order: 1, scales: [0, 1, 2, 3, 4, 5, 6] };

/** One position's fields, as the columns hold them. */
export interface PositionRow {
  seq: number;
  gpsTimeMs: number | null;
  receivedAtMs: number;
  timeUncertain: boolean;
  dateCorrected: boolean;
  lat: number | null;
  lon: number | null;
  numbers: Array<number | null>;
  quality: number;
}

/** The row for a record of exactly the position shape, or null (the record goes as JSON). */
export function positionRow(record: AgentRecord, truckId: string, schema: number): PositionRow | null {
  if (record.kind !== "position" || record.truckId !== truckId || record.schema !== schema) return null;
  const body = record.body;
  const gpsTimeMs = record.gpsTime === null ? null : Date.parse(record.gpsTime);
  const quality = QUALITIES.indexOf(body.quality as FixQuality);
  if (quality < 0 || Number.isNaN(gpsTimeMs) || !BODY_KEYS.slice(0, 7).every((key) => body[key] === null || typeof body[key] === "number")) return null;

  const row: PositionRow = {
    seq: record.seq,
    gpsTimeMs,
    receivedAtMs: Date.parse(record.receivedAt),
    timeUncertain: record.timeUncertain === true,
    dateCorrected: body.dateCorrected === true,
    lat: body.lat as number | null,
    lon: body.lon as number | null,
    numbers: NUMBER_FIELDS.map((key) => body[key] as number | null),
    quality,
  };
  if (Number.isNaN(row.receivedAtMs)) return null;
  try {
    return rebuildsExactly(record, row, truckId) ? row : null;
  } catch {
    return null; // a time beyond what Date can print
  }
}

/**
 * The proof that positionRecord() gives this very record back, key order included — what
 * comparing the two records' JSON would prove, at a fraction of its cost (it was the largest
 * single cost of a batched drain, benchmark row 5): the values the row holds are the record's
 * own numbers, so what is left to check is every key and its place, the id, and that both times
 * print back to the same text.
 */
function rebuildsExactly(record: AgentRecord, row: PositionRow, truckId: string): boolean {
  const keys = Object.keys(record);
  let k = 0;
  for (const key of RECORD_KEYS_BEFORE_BODY) {
    if (key === "timeUncertain" && !row.timeUncertain) continue;
    if (keys[k++] !== key) return false;
  }
  if (keys[k++] !== "body" || (k < keys.length && keys[k++] !== "prev") || k !== keys.length) return false;

  const bodyKeys = Object.keys(record.body);
  const bodyLength = BODY_KEYS.length + (row.dateCorrected ? 1 : 0);
  if (bodyKeys.length !== bodyLength || !BODY_KEYS.every((key, i) => bodyKeys[i] === key)) return false;
  if (row.dateCorrected && bodyKeys[BODY_KEYS.length] !== "dateCorrected") return false;

  return (
    record.id === `${truckId}:${row.seq}` &&
    (row.gpsTimeMs === null || new Date(row.gpsTimeMs).toISOString() === record.gpsTime) &&
    new Date(row.receivedAtMs).toISOString() === record.receivedAt
  );
}

export function positionRecord(row: PositionRow, truckId: string, schema: number, prev: string | null | undefined): AgentRecord {
  const body: Record<string, unknown> = { lat: row.lat, lon: row.lon };
  NUMBER_FIELDS.forEach((key, i) => (body[key] = row.numbers[i]));
  body.quality = QUALITIES[row.quality];
  if (row.dateCorrected) body.dateCorrected = true;

  const record: AgentRecord = {
    id: `${truckId}:${row.seq}`,
    truckId,
    seq: row.seq,
    kind: "position",
    gpsTime: row.gpsTimeMs === null ? null : new Date(row.gpsTimeMs).toISOString(),
    receivedAt: new Date(row.receivedAtMs).toISOString(),
    schema: schema as AgentRecord["schema"],
    ...(row.timeUncertain ? { timeUncertain: true as const } : {}),
    body,
  };
  if (prev !== undefined) record.prev = prev;
  return record;
}

/** Writes the rows column by column (sequence numbers are in the batch header). */
export function writePositions(out: ByteWriter, rows: readonly PositionRow[]): void {
  writeColumn(out, TIME, rows.map((r) => r.gpsTimeMs));
  // Gateway time minus GPS time: the agent's small, steady processing delay.
  writeColumn(out, DELAY, rows.map((r) => r.receivedAtMs - (r.gpsTimeMs ?? 0)));
  for (const row of rows) out.byte((row.timeUncertain ? 1 : 0) | (row.dateCorrected ? 2 : 0) | (row.quality << 2));
  writeColumn(out, GEO, rows.map((r) => r.lat));
  writeColumn(out, GEO, rows.map((r) => r.lon));
  NUMBER_FIELDS.forEach((_, i) => writeColumn(out, DECIMAL, rows.map((r) => r.numbers[i]!)));
}

export function readPositions(input: ByteReader, seqs: readonly number[]): PositionRow[] {
  const count = seqs.length;
  const gpsTimes = readColumn(input, TIME, count);
  const delays = readColumn(input, DELAY, count);
  const flags = Array.from({ length: count }, () => input.byte());
  const lats = readColumn(input, GEO, count);
  const lons = readColumn(input, GEO, count);
  const numbers = NUMBER_FIELDS.map(() => readColumn(input, DECIMAL, count));

  return seqs.map((seq, i) => ({
    seq,
    gpsTimeMs: gpsTimes[i]!,
    receivedAtMs: delays[i]! + (gpsTimes[i] ?? 0),
    timeUncertain: (flags[i]! & 1) !== 0,
    dateCorrected: (flags[i]! & 2) !== 0,
    lat: lats[i]!,
    lon: lons[i]!,
    numbers: numbers.map((column) => column[i]!),
    quality: flags[i]! >> 2,
  }));
}
