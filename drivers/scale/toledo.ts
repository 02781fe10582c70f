/**
 * The Toledo continuous output: an 18-byte binary-status frame, sent unasked by Mettler-Toledo
 * indicators and by the many third-party indicators that copy it. Field map, after the
 * "Toledo continuous" tables in Mettler-Toledo indicator manuals:
 *
 *   byte 0       STX (0x02)
 *   byte 1,2,3   status words A, B, C (bit fields below)
 *   bytes 4–9    displayed weight: 6 ASCII digits, no sign, no decimal point, MSD first
 *   bytes 10–15  tare weight: 6 digits, same decimal point (absent in the 11-byte short variant)
 *   byte 16      CR (0x0D)
 *   byte 17      checksum, optional: two's complement of the 7-bit sum of STX … CR
 *
 * Bit 7 of every byte may be a parity bit when the port runs 8 data bits against a 7-bit
 * indicator, so it is masked off everywhere. Bits used here (0 = least significant):
 *
 *   A bits 0–2  decimal point: 0 = XXXX00, 1 = XXXXX0, 2 = XXXXXX, 3 = XXXXX.X, 4 = XXXX.XX,
 *               5 = XXX.XXX, 6 = XX.XXXX, 7 = X.XXXXX. Codes 0 and 1 mark dummy zeros that the
 *               indicator displays but does not send, so the digits are multiplied by 100 / 10.
 *   A bits 3–4  count-by (1 = ×1, 2 = ×2, 3 = ×5): the display increment; not needed here.
 *   B bit 0     0 gross, 1 net
 *   B bit 1     0 positive, 1 negative
 *   B bit 2     1 out of range. The format has one bit for both ends; the sign says which:
 *               positive = overload (over capacity), negative = underload (under zero).
 *   B bit 3     1 motion (unstable), 0 stable
 *   B bit 4     0 lb, 1 kg — when C bits 0–2 are 0
 *   C bits 0–2  unit: 0 = lb/kg as B bit 4, 1 = g, 2 = metric t; ounces, pennyweights, short
 *               tons and custom units are not converted (fault `unknownUnit`).
 *   Bits 5 (always 1, which keeps status bytes clear of STX and CR), 6 (power-up, keyboard
 *   tare) and C bits 3–4 (print request, expanded display) carry nothing the agent needs.
 */
import type { Decoded, EncodeOptions, ScaleCodec, ScaleReading } from "./codec.js";
import { CR, STX } from "./frames.js";
import { fromKg, toKg, type WeightUnit } from "./units.js";

const WORD_FIXED_BITS = 0x20;
const A_COUNT_BY_1 = 0x08;
const B_NET = 0x01;
const B_NEGATIVE = 0x02;
const B_OUT_OF_RANGE = 0x04;
const B_MOTION = 0x08;
const B_KG = 0x10;

const FULL_CR_INDEX = 16;
const SHORT_CR_INDEX = 10;
const DIGITS = /^ *\d+$/;

/** C bits 0–2 → unit; 0 defers to B bit 4. */
const UNIT_BY_C_CODE: Record<number, WeightUnit> = { 1: "g", 2: "t" };
const C_CODE_BY_UNIT: Record<WeightUnit, number> = { kg: 0, lb: 0, g: 1, t: 2 };

export interface ToledoEncodeOptions extends EncodeOptions {
  /** Append the checksum byte after CR; default true. */
  checksum?: boolean;
  /** Tare to put in the tare field, kilograms; default 0. */
  tareKg?: number;
}

/** Two's complement of the 7-bit sum: adding it to that sum gives 0 modulo 128. */
export function toledoChecksum(bytes: Buffer): number {
  let sum = 0;
  for (const byte of bytes) sum += byte & 0x7f;
  return -sum & 0x7f;
}

function decode(raw: Buffer): Decoded {
  const frame = Buffer.from(raw.map((byte) => byte & 0x7f));
  const crIndex = frame.indexOf(CR);
  const layoutOk = crIndex === FULL_CR_INDEX || crIndex === SHORT_CR_INDEX;
  if (frame[0] !== STX || !layoutOk || frame.length > crIndex + 2) return { fault: "badFrame" };

  const checksum = frame[crIndex + 1];
  if (checksum !== undefined && toledoChecksum(frame.subarray(0, crIndex + 1)) !== checksum) {
    return { fault: "checksum" };
  }

  const [a = 0, b = 0, c = 0] = frame.subarray(1, 4);
  const weightText = frame.toString("latin1", 4, 10);
  const tareText = crIndex === FULL_CR_INDEX ? frame.toString("latin1", 10, 16) : "0";
  if (!DIGITS.test(weightText) || !DIGITS.test(tareText)) return { fault: "badFrame" };

  const unit = (c & 0x07) === 0 ? (b & B_KG ? "kg" : "lb") : UNIT_BY_C_CODE[c & 0x07];
  if (unit === undefined) return { fault: "unknownUnit" };

  const magnitude = scaleDigits(Number(weightText), a & 0x07);
  const negative = (b & B_NEGATIVE) !== 0;
  const weightKg = toKg(negative && magnitude !== 0 ? -magnitude : magnitude, unit);
  const outOfRange = (b & B_OUT_OF_RANGE) !== 0;
  return {
    weightKg,
    kind: b & B_NET ? "net" : "gross",
    stable: (b & B_MOTION) === 0,
    overload: outOfRange && !negative,
    underload: outOfRange && negative,
    error: outOfRange && negative,
  };
}

/** Digits as sent → value, by decimal point code (2 = no decimal point, no dummy zeros). */
function scaleDigits(digits: number, decimalCode: number): number {
  const decimals = decimalCode - 2;
  return decimals >= 0 ? digits / 10 ** decimals : digits * 10 ** -decimals;
}

/**
 * Decimal places that show `magnitude` in 6 digits: the fewest that show it exactly, else the
 * most that fit; −1 / −2 (dummy zeros) only for values of a million or more.
 */
function pickDecimals(magnitude: number): number {
  let fitting = -2;
  for (let decimals = -2; decimals <= 5; decimals++) {
    const scaled = magnitude * 10 ** decimals;
    if (Math.round(scaled) > 999_999) break;

    fitting = decimals;
    const exact = Math.abs(scaled - Math.round(scaled)) < 1e-6;
    if (exact && (decimals >= 0 || magnitude >= 1_000_000)) return decimals;
  }
  return fitting;
}

function digitsField(magnitude: number, decimals: number): string {
  const digits = Math.min(Math.round(magnitude * 10 ** decimals), 999_999);
  return String(digits).padStart(6, "0");
}

function encode(reading: ScaleReading, options: ToledoEncodeOptions = {}): Buffer {
  const unit = options.unit ?? "kg";
  const value = fromKg(reading.weightKg, unit);
  const magnitude = Number.isFinite(value) ? Math.abs(value) : 0;
  const decimals = pickDecimals(magnitude);
  const underload = reading.underload === true;
  const negative = underload || (value < 0 && Math.round(magnitude * 10 ** decimals) !== 0);

  const a = WORD_FIXED_BITS | A_COUNT_BY_1 | (decimals + 2);
  // B bit 4 names the system of units; g and t are metric, so it says kg for them too.
  let b = WORD_FIXED_BITS | (unit === "lb" ? 0 : B_KG);
  if (reading.kind === "net") b |= B_NET;
  if (negative) b |= B_NEGATIVE;
  if (reading.overload || underload) b |= B_OUT_OF_RANGE;
  if (!reading.stable) b |= B_MOTION;
  const c = WORD_FIXED_BITS | C_CODE_BY_UNIT[unit];

  const tare = Math.abs(fromKg(options.tareKg ?? 0, unit));
  const body = `${digitsField(magnitude, decimals)}${digitsField(tare, decimals)}`;
  const frame = Buffer.from([STX, a, b, c, ...Buffer.from(body, "latin1"), CR]);
  if (options.checksum === false) return frame;
  return Buffer.concat([frame, Buffer.from([toledoChecksum(frame)])]);
}

export const toledo = {
  id: "toledo",
  framing: "stx",
  kinds: ["gross", "net"],
  decode,
  encode,
} as const satisfies ScaleCodec;
