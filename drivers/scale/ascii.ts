/**
 * The common continuous ASCII weight frame, sent unasked several times a second by most
 * truck-scale indicators (the A&D-style header layout that many indicator makers copy):
 *
 *   ST,GS,+012340 kg<CR><LF>
 *   │  │  ││      └─ unit: kg, g, t or lb (lbs accepted); a space before it is optional
 *   │  │  │└─ magnitude: digits with an optional decimal point; leading zeros or spaces pad it
 *   │  │  └─ sign: + or -
 *   │  └─ GS gross weight | NT net weight (gross minus the tare set on the indicator)
 *   └─ ST stable | US unstable (in motion) | OL overload (over range)
 *
 * Fields are comma-separated; the line ends with CR LF, LF or CR alone (see frames.ts).
 * An `OL` frame may carry a pegged number, spaces or nothing where the weight goes; its weight
 * is kept when it parses and NaN otherwise. Some indicators use the same `OL` header for both
 * ends of the range, so `OL` with a minus sign is read as under range rather than overload.
 */
import type { WeightKind } from "../../agent/contracts.js";
import type { Decoded, EncodeOptions, ScaleCodec, ScaleReading } from "./codec.js";
import { formatMagnitude, fromKg, parseUnit, toKg } from "./units.js";

const FRAME = /^(ST|US|OL),(GS|NT),\s*([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)?\s*([A-Za-z]*)\s*$/;

const KIND_BY_CODE: Record<string, WeightKind> = { GS: "gross", NT: "net" };
const CODE_BY_KIND: Record<WeightKind, string> = { gross: "GS", net: "NT" };

function decode(frame: Buffer): Decoded {
  const match = FRAME.exec(frame.toString("latin1"));
  if (match === null) return { fault: "badFrame" };

  const [, header, kindCode = "", sign, digits, unitText = ""] = match;
  const kind = KIND_BY_CODE[kindCode] ?? "gross";
  const unit = parseUnit(unitText);
  const magnitude = digits === undefined ? NaN : Number(digits);
  // `-0` on a display is zero; keep it from becoming -0 in JavaScript.
  const signed = sign === "-" && magnitude !== 0 ? -magnitude : magnitude;
  const weightKg = unit === null ? NaN : toKg(signed, unit);

  if (header === "OL") {
    const underload = sign === "-";
    return { weightKg, kind, stable: false, overload: !underload, underload, error: underload };
  }

  if (digits === undefined || unitText === "") return { fault: "badFrame" };
  if (unit === null) return { fault: "unknownUnit" };
  const stable = header === "ST";
  return { weightKg, kind, stable, overload: false, underload: false, error: false };
}

function encode(reading: ScaleReading, options: EncodeOptions = {}): Buffer {
  const unit = options.unit ?? "kg";
  const outOfRange = reading.overload || reading.underload === true;
  const header = outOfRange ? "OL" : reading.stable ? "ST" : "US";
  const negative = reading.underload === true || reading.weightKg < 0;

  // A reading without a number (NaN) is sent as an empty weight field, as indicators do on OL.
  const value = fromKg(reading.weightKg, unit);
  const magnitude = Number.isFinite(value) ? formatMagnitude(value, 6).padStart(6, "0") : "";

  const sign = negative ? "-" : "+";
  const line = `${header},${CODE_BY_KIND[reading.kind]},${sign}${magnitude} ${unit}\r\n`;
  return Buffer.from(line, "latin1");
}

export const ascii = {
  id: "ascii",
  framing: "line",
  kinds: ["gross", "net"],
  decode,
  encode,
} as const satisfies ScaleCodec;
