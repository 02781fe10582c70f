/**
 * From one framed line to one checked sentence: find where the sentence starts, verify its
 * checksum, split its address into talker and type. Every line that does not yield a sentence
 * is counted under exactly one fault kind; `noise`, `doubleDollar` and `spliced` are counted in
 * addition, because the sentence after them is still decoded (real receivers do all three, and
 * the sentence behind the last `$` is usually intact).
 */
import { verifyChecksum } from "./checksum.js";
import type { GpsFaultCounts } from "./faults.js";

/** NMEA 0183 allows 82 characters; vendor sentences go far over (MediaTek PMTKCHN: 203). Beyond this is noise. */
export const MAX_SENTENCE_CHARS = 512;

export interface Sentence {
  /** `GN`, `GP`, `GL`, `GA`, `GB`, `BD`, `QZ`, `IN`, … */
  talker: string;
  /** `RMC`, `GGA`, … */
  type: string;
  /** The sentence from `$` to the end of its checksum. */
  text: string;
  /** Comma-separated fields without the checksum; fields[0] is the address (`$GNRMC`). */
  fields: string[];
}

const DOLLAR = 0x24;
const CAPITAL_A = 0x41;
const CAPITAL_Z = 0x5a;

/** A sentence whose checksum and address passed, before its fields are split. */
export type CheckedSentence = Omit<Sentence, "fields">;

export function readSentence(line: string, faults: GpsFaultCounts): Sentence | null {
  const checked = checkSentence(line, faults);
  return checked === null ? null : withFields(checked);
}

/**
 * Everything readSentence checks, without splitting the fields: a 10 Hz receiver's GSV and
 * vendor sentences are counted and skipped on their address alone (benchmark row 2).
 */
export function checkSentence(line: string, faults: GpsFaultCounts): CheckedSentence | null {
  if (line.length > MAX_SENTENCE_CHARS) {
    faults.overlong++;
    return null;
  }

  const start = findStart(line, faults);
  if (start === null) return null;

  const text = line.slice(start);
  const { verdict, bodyEnd } = verifyChecksum(text);
  if (verdict !== "ok") {
    faults[verdict === "missing" ? "missingChecksum" : verdict === "bad" ? "badChecksum" : "cutOff"]++;
    return null;
  }

  const comma = text.indexOf(",");
  const address = text.slice(0, comma < 0 || comma > bodyEnd ? bodyEnd : comma);
  if (address.startsWith("$P")) {
    faults.proprietary++;
    return null;
  }

  if (!isAddress(address)) {
    faults.unknown++;
    return null;
  }

  return { talker: address.slice(1, 3), type: address.slice(3), text: text.slice(0, bodyEnd + 3) };
}

/** `$` and five capitals (talker, type), checked by character: a regex match per line cost more. */
function isAddress(address: string): boolean {
  if (address.length !== 6 || address.charCodeAt(0) !== DOLLAR) return false;
  for (let i = 1; i < 6; i++) {
    const code = address.charCodeAt(i);
    if (code < CAPITAL_A || code > CAPITAL_Z) return false;
  }
  return true;
}

/**
 * The checked sentence with its comma-separated fields (the checksum left out). Built field by
 * field, not spread: a spread per sentence was the decoder's largest self time (benchmark row 2).
 */
export function withFields(checked: CheckedSentence): Sentence {
  const { talker, type, text } = checked;
  return { talker, type, text, fields: text.slice(0, text.length - 3).split(",") };
}

/** Index of the `$` the sentence starts at, or null when the line holds no sentence to decode. */
function findStart(line: string, faults: GpsFaultCounts): number | null {
  if (line.startsWith("!")) {
    faults.ais++;
    return null;
  }

  const first = line.indexOf("$");
  if (first < 0) {
    faults.tail++;
    return null;
  }
  if (first > 0) faults.noise++;

  const last = line.lastIndexOf("$");
  if (last === first) return first;

  const onlyDoubled = last === first + 1;
  faults[onlyDoubled ? "doubleDollar" : "spliced"]++;
  return last;
}
