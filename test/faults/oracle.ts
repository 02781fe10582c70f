/**
 * The oracle of the fault-injection tests, the four rules over a Ledger:
 *
 * 1. At least once: every accepted record (printed by the agent, or found durable in its store
 *    after a kill) reaches the consumer, except those a delivered `thinned` record of the same
 *    kind or a delivered `outbox_lost` record accounts for by sequence range.
 * 2. Nothing invented: every record that arrives was accepted, with the very content accepted;
 *    no sequence number carries two different records.
 * 3. Order: within each class (kind), sequence numbers in order of first arrival only grow;
 *    records of a batch count in batch order. Duplicates do not count.
 * 4. Recovery: a record accepted after the last fault reaches the consumer.
 *
 * Each failure names the rule and the first few offending record ids.
 */
import type { Ledger } from "./ledger.js";

const SHOWN = 8;

export interface FreshRoundTrip {
  id: string;
  latencyMs: number;
}

export interface OracleInput {
  ledger: Ledger;
  /**
   * Records the rules allow to be missing although nothing accounts for them: only for a broker
   * that forgets what it acknowledged (no persistence), and then only records whose PUBACK the
   * agent may have seen. Everything else must still arrive.
   */
  mayBeLost?: ReadonlySet<string>;
  fresh: FreshRoundTrip | null;
}

export interface OracleFigures {
  accepted: number;
  durableUnreported: number;
  deliveredUnique: number;
  duplicates: number;
  /** Accepted, never delivered, and accounted for by `thinned` / `outbox_lost`. */
  accountedMissing: number;
  /** Of `mayBeLost`: how many did go missing. */
  lostAfterAck: number;
  freshLatencyMs: number | null;
}

export interface OracleReport {
  failures: string[];
  figures: OracleFigures;
}

export function checkOracle(input: OracleInput): OracleReport {
  const { ledger } = input;
  const failures: string[] = [];

  const missing = ledger.outstanding();
  const lost = missing.filter((seq) => !(input.mayBeLost?.has(ledger.id(seq)) ?? false));
  if (lost.length > 0) {
    const shown = lost.slice(0, SHOWN).map((seq) => `${ledger.id(seq)} (${ledger.kindOf(seq)})`);
    const what = `${lost.length} accepted records never arrived and no thinned/outbox_lost record accounts for them`;
    failures.push(`rule 1, at least once: ${what}: ${shown.join(", ")}`);
  }

  const invented = [...ledger.foreign.map((id) => `${id} (not this truck's id)`), ...ledger.conflicts, ...ledger.invented()];
  if (invented.length > 0) {
    failures.push(`rule 2, nothing invented: ${invented.length} records: ${invented.slice(0, SHOWN).join(", ")}`);
  }

  if (ledger.inversionCount > 0) {
    const shown = ledger.inversions.slice(0, SHOWN).map((x) => `${x.kind} ${ledger.id(x.seq)} after ${ledger.id(x.after)}`);
    failures.push(`rule 3, order within a class: ${ledger.inversionCount} first deliveries out of order: ${shown.join(", ")}`);
  }

  if (input.fresh === null) failures.push("rule 4, recovery: no record accepted after the last fault reached the consumer");

  return {
    failures,
    figures: {
      accepted: ledger.accepted,
      durableUnreported: ledger.durableUnreported,
      deliveredUnique: ledger.deliveredUnique,
      duplicates: ledger.duplicates,
      accountedMissing: ledger.accountedMissing(),
      lostAfterAck: missing.length - lost.length,
      freshLatencyMs: input.fresh?.latencyMs ?? null,
    },
  };
}
