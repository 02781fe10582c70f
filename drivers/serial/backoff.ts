/**
 * Delay before a reopen attempt: `minMs` for the first (attempt 0), doubling per failed attempt up
 * to `maxMs`, spread ±25 % and clamped to [minMs, maxMs].
 *
 * The spread matters on a truck because the GPS and the scale often hang off one USB hub: pulled
 * together, they would otherwise retry in lockstep for the whole outage.
 */
export function reopenDelayMs(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const baseMs = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  const spreadMs = baseMs * (0.75 + 0.5 * random());

  return Math.round(Math.min(maxMs, Math.max(minMs, spreadMs)));
}
