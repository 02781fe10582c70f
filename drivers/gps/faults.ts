/**
 * What can be wrong with a line from a GNSS receiver, counted by kind. A fault is never thrown
 * to the caller: receivers send noise, cut-off lines and vendor sentences all day, and one bad
 * line must not cost the fix of the next.
 */

export const GPS_FAULT_KINDS = [
  /** A line with no `$` or `!` start: the tail of a sentence cut by opening the port, or noise. */
  "tail",
  /** Bytes before the first `$` of a line; the sentence after them is still decoded. */
  "noise",
  /** A line starting with `$$` (some ST receivers do it on every line); decoded from the last `$`. */
  "doubleDollar",
  /** A second `$` inside a sentence: a cut-off sentence followed by a whole one; decoded from the last `$`. */
  "spliced",
  /** No `*hh` at the end: the line cannot be trusted, whatever it says. */
  "missingChecksum",
  /** `*` followed by fewer than two hex digits: the line was cut inside its checksum. */
  "cutOff",
  /** The XOR of the bytes between `$` and `*` differs from the two hex digits. */
  "badChecksum",
  /** An AIS `!` line (AIVDM/AIVDO), which some combined marine receivers interleave. */
  "ais",
  /** A vendor sentence (`$P…`): PMTK, PGRME, PSRF, PSTM, … */
  "proprietary",
  /** An address that is not talker + sentence type (`GYOACC`, `SNRSTAT`, …). */
  "unknown",
  /** A sentence the agent uses whose fields could not be decoded (too few, not numbers). */
  "malformed",
  /** A line longer than any NMEA 0183 sentence can be; dropped unread. */
  "overlong",
] as const;

export type GpsFaultKind = (typeof GPS_FAULT_KINDS)[number];

export type GpsFaultCounts = Record<GpsFaultKind, number>;

export function emptyFaultCounts(): GpsFaultCounts {
  const counts = {} as GpsFaultCounts;
  for (const kind of GPS_FAULT_KINDS) counts[kind] = 0;
  return counts;
}
