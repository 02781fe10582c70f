/**
 * NMEA 0183 checksum: the XOR of every byte between the start character (`$` or `!`) and `*`,
 * written as two hex digits. Compared as a number, so `*7a` and `*7A` are the same checksum.
 */

export type ChecksumVerdict = "ok" | "missing" | "cutOff" | "bad";

export function nmeaChecksum(text: string, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum ^= text.charCodeAt(i);
  return sum & 0xff;
}

/** Checks `sentence` (starting at its `$`); returns the verdict and where the body ends. */
export function verifyChecksum(sentence: string): { verdict: ChecksumVerdict; bodyEnd: number } {
  const star = sentence.lastIndexOf("*");
  if (star < 0) return { verdict: "missing", bodyEnd: sentence.length };

  // Read digit by digit: a slice and a regular expression per line cost more than the XOR.
  const high = hexValue(sentence.charCodeAt(star + 1));
  const low = hexValue(sentence.charCodeAt(star + 2));
  if (high < 0 || low < 0) return { verdict: "cutOff", bodyEnd: star };

  const verdict = nmeaChecksum(sentence, 1, star) === high * 16 + low ? "ok" : "bad";
  return { verdict, bodyEnd: star };
}

/** 0..15 for 0-9, A-F, a-f; -1 for anything else, including NaN (past the end). */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Appends `*hh` to a sentence body that starts with `$` (used by the simulator and tests). */
export function withChecksum(body: string): string {
  const sum = nmeaChecksum(body, 1, body.length);
  return `${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
}
