/**
 * The oracle must bite: fed books with a lost, an invented, an altered or a reordered record, it
 * names the record; records a `thinned` (same kind) or `outbox_lost` record accounts for pass.
 */
import { describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { Ledger } from "./ledger.js";
import { checkOracle } from "./oracle.js";

const TRUCK = "TRK-ORACLE";
const FRESH = { id: `${TRUCK}:99`, latencyMs: 5 };

function record(seq: number, kind: AgentRecord["kind"], body: Record<string, unknown> = { n: seq }): AgentRecord {
  const receivedAt = "2026-03-01T00:00:00.000Z";
  return { id: `${TRUCK}:${seq}`, truckId: TRUCK, seq, kind, gpsTime: null, receivedAt, schema: 1, body };
}

function thinned(seq: number, kind: string, range: [number, number]): AgentRecord {
  return record(seq, "event", { type: "thinned", details: { kind, seqRanges: [range] } });
}

/** Books `accepted`, then delivers `delivered` (by seq, in that order). */
function books(accepted: AgentRecord[], delivered: number[]): Ledger {
  const ledger = new Ledger(TRUCK);
  for (const r of accepted) ledger.accept(JSON.stringify(r));
  const bySeq = new Map(accepted.map((r) => [r.seq, r]));
  for (const seq of delivered) ledger.deliver(bySeq.get(seq) ?? record(seq, "position"));
  return ledger;
}

const positions = (...seqs: number[]) => seqs.map((seq) => record(seq, "position"));

describe("fault oracle", () => {
  it("passes complete, ordered deliveries with duplicates", () => {
    const report = checkOracle({ ledger: books(positions(1, 2, 3), [1, 2, 1, 3, 3]), fresh: FRESH });
    expect(report.failures).toEqual([]);
    expect(report.figures).toMatchObject({ accepted: 3, deliveredUnique: 3, duplicates: 2 });
  });

  it("names a lost record", () => {
    const report = checkOracle({ ledger: books(positions(1, 2, 3, 4), [1, 2, 4]), fresh: FRESH });
    expect(report.failures).toEqual([expect.stringMatching(/^rule 1.*1 accepted records.*TRK-ORACLE:3 \(position\)/)]);
  });

  it("lets a thinned record of the same kind, or outbox_lost, account for missing records", () => {
    const lost = record(7, "event", { type: "outbox_lost", details: { seqRanges: [[5, 5]] } });
    const accepted = [...positions(1, 2, 3, 4), record(5, "weight"), thinned(6, "position", [2, 3]), lost];
    const report = checkOracle({ ledger: books(accepted, [1, 4, 6, 7]), fresh: FRESH });
    expect(report.failures).toEqual([]);
    expect(report.figures.accountedMissing).toBe(3);
  });

  it("does not let a thinned range of positions account for a missing weight or event", () => {
    const accepted = [...positions(1), record(2, "weight"), record(3, "event"), thinned(4, "position", [1, 3])];
    const report = checkOracle({ ledger: books(accepted, [1, 4]), fresh: FRESH });
    expect(report.failures[0]).toMatch(/2 accepted records.*TRK-ORACLE:2 \(weight\), TRK-ORACLE:3 \(event\)/);
  });

  it("names an invented record and an altered one", () => {
    const ledger = books(positions(1, 2), [1]);
    ledger.deliver(record(2, "position", { n: "altered" }));
    ledger.deliver(record(3, "position"));
    const report = checkOracle({ ledger, fresh: FRESH });
    expect(report.failures).toEqual([expect.stringMatching(/^rule 2.*TRK-ORACLE:2 \(content differs.*TRK-ORACLE:3 \(never accepted\)/)]);
  });

  it("accepts a record found durable after a kill though never reported, and only with its content", () => {
    const ledger = books(positions(1), [1]);
    expect(ledger.durable(JSON.stringify(record(2, "position")))).toBe(true);
    ledger.deliver(record(2, "position"));
    expect(checkOracle({ ledger, fresh: FRESH }).failures).toEqual([]);

    ledger.durable(JSON.stringify(record(1, "position", { n: "other" })));
    expect(checkOracle({ ledger, fresh: FRESH }).failures[0]).toMatch(/^rule 2.*TRK-ORACLE:1: the store holds other content/);
  });

  it("names first deliveries out of order within a class, not across classes", () => {
    const accepted = [...positions(1, 2, 3), record(4, "event"), record(5, "event")];
    const report = checkOracle({ ledger: books(accepted, [4, 1, 3, 2, 5]), fresh: FRESH });
    expect(report.failures).toEqual([expect.stringMatching(/^rule 3.*1 first deliveries.*position TRK-ORACLE:2 after TRK-ORACLE:3/)]);
  });

  it("requires a fresh round trip, and excuses only the ids it is told may be lost", () => {
    const ledger = books(positions(1, 2, 3), [1]);
    const report = checkOracle({ ledger, fresh: null, mayBeLost: new Set([`${TRUCK}:2`]) });
    expect(report.failures).toEqual([expect.stringMatching(/^rule 1.*1 accepted records.*TRK-ORACLE:3/), expect.stringMatching(/^rule 4/)]);
    expect(report.figures.lostAfterAck).toBe(1);
  });
});
