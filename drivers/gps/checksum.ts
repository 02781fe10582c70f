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

  const digits = sentence.slice(star + 1, star + 3);
  if (!/^[0-9A-Fa-f]{2}$/.test(digits)) return { verdict: "cutOff", bodyEnd: star };

  const expected = Number.parseInt(digits, 16);
  const verdict = nmeaChecksum(sentence, 1, star) === expected ? "ok" : "bad";
  return { verdict, bodyEnd: star };
}

/** Appends `*hh` to a sentence body that starts with `$` (used by the simulator and tests). */
export function withChecksum(body: string): string {
  const sum = nmeaChecksum(body, 1, body.length);
  return `${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
}
