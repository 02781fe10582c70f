/**
 * Numeric columns of the compact batch format (agent/batch.ts). A column holds one field of every
 * record in a batch; values of a real track change little from one record to the next, so each is
 * written as a small integer difference and the compressor after it sees long runs of tiny bytes.
 *
 * Every value comes back as the very same JavaScript number, never a rounded one:
 * - `decimal`: v = q / 10^d for the batch's d (speeds to 0.01, HDOP to 0.1, satellites, ms);
 * - `geo`: latitude/longitude as the GPS driver makes them from NMEA's ddmm.mmmm,
 *   v = ±(D + (q / 10^d) / 60), written as the signed integer of minutes × 10^d;
 * - a value that is neither (a number from elsewhere) is written whole, as 8 bytes (an escape).
 * `order` 2 writes the change of the change: a truck at steady speed gives zeros.
 *
 * Layout of a column: scale d, then per value a tag (0 null, 1 scaled, 2 escaped) — tags of a
 * column are all alike in practice and compress to almost nothing — then the varints, then the
 * escaped doubles.
 */
import { ByteReader, ByteWriter } from "./bytes.js";

export type ColumnKind = "decimal" | "geo";

export interface ColumnSpec {
  kind: ColumnKind;
  order: 1 | 2;
  /** Scales tried, smallest first; the first that makes every value exact is used. */
  scales: readonly number[];
}

const NULL = 0;
const SCALED = 1;
const ESCAPED = 2;

export function writeColumn(out: ByteWriter, spec: ColumnSpec, values: ReadonlyArray<number | null>): void {
  const d = pickScale(spec, values);
  out.uint(d);
  const tags: number[] = [];
  const ints: number[] = [];
  const escaped: number[] = [];

  for (const value of values) {
    const q = value === null ? null : toInt(spec.kind, d, value);
    if (value === null) tags.push(NULL);
    else if (q === null) {
      tags.push(ESCAPED);
      escaped.push(value);
    } else {
      tags.push(SCALED);
      ints.push(q);
    }
  }

  for (const tag of tags) out.byte(tag);
  for (const delta of differences(ints, spec.order)) out.int(delta);
  for (const value of escaped) out.float(value);
}

export function readColumn(input: ByteReader, spec: ColumnSpec, count: number): Array<number | null> {
  const d = input.uint();
  const tags = Array.from({ length: count }, () => input.byte());
  const scaledCount = tags.filter((tag) => tag === SCALED).length;
  const ints = sums(Array.from({ length: scaledCount }, () => input.int()), spec.order);
  const escapedCount = tags.filter((tag) => tag === ESCAPED).length;
  const escaped = Array.from({ length: escapedCount }, () => input.float());

  let i = 0;
  let e = 0;
  return tags.map((tag) => {
    if (tag === NULL) return null;
    if (tag === ESCAPED) return escaped[e++]!;
    if (tag !== SCALED) throw new RangeError(`bad column tag ${tag}`);
    return fromInt(spec.kind, d, ints[i++]!);
  });
}

function pickScale(spec: ColumnSpec, values: ReadonlyArray<number | null>): number {
  const present = values.filter((v): v is number => v !== null);
  return spec.scales.find((d) => present.every((v) => toInt(spec.kind, d, v) !== null)) ?? spec.scales.at(-1)!;
}

/** The integer for `value` at scale d, or null when it would not come back exactly. */
function toInt(kind: ColumnKind, d: number, value: number): number | null {
  if (!Number.isFinite(value) || Object.is(value, -0)) return null;
  const q = kind === "decimal" ? Math.round(value * 10 ** d) : geoInt(d, value);
  return Number.isSafeInteger(q) && fromInt(kind, d, q) === value ? q : null;
}

function fromInt(kind: ColumnKind, d: number, q: number): number {
  if (kind === "decimal") return q / 10 ** d;
  const perDegree = 60 * 10 ** d;
  const magnitude = Math.abs(q);
  const degrees = Math.floor(magnitude / perDegree);
  // The driver's own arithmetic (drivers/gps/decode.ts): degrees + minutes / 60.
  const value = degrees + (magnitude - degrees * perDegree) / 10 ** d / 60;
  return q < 0 ? -value : value;
}

function geoInt(d: number, value: number): number {
  const magnitude = Math.abs(value);
  const degrees = Math.floor(magnitude);
  const q = degrees * 60 * 10 ** d + Math.round((magnitude - degrees) * 60 * 10 ** d);
  return value < 0 ? -q : q;
}

function differences(values: readonly number[], order: 1 | 2): number[] {
  let out = [...values];
  for (let pass = 0; pass < order; pass++) out = out.map((v, i) => (i === 0 ? v : v - (out[i - 1] ?? 0)));
  return out;
}

function sums(values: readonly number[], order: 1 | 2): number[] {
  let out = [...values];
  for (let pass = 0; pass < order; pass++) {
    let total = 0;
    out = out.map((v) => (total += v));
  }
  return out;
}
