/**
 * The verifier against each tampering the issue names, on a stream made by the agent's own parts
 * (test/trail/stream.ts): each is caught and named, and the honest stream — with at-least-once
 * duplicates, a skipped block of numbers, thinning and a store lost and rebuilt — verifies clean.
 * The real agent's stream (kill -9, restarts, a drain) is verified in trail-agent.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { ChainLinker, encodeHash, recordDigest, recordHash } from "../../agent/trail/chain.js";
import { encodeRemoved } from "../../agent/trail/thinned-digests.js";
import { verifyTruck, type TruckVerdict } from "../../agent/trail/verifier.js";
import { arrivals, honestRecords, newIdentity, publish, relink, TRUCK } from "./stream.js";

const me = newIdentity();
const stranger = newIdentity();
const WINDOW = { replayWindow: 100 };

function verify(records: readonly AgentRecord[]): TruckVerdict {
  return verifyTruck(records, [me.publicKey], WINDOW);
}

function honest(): AgentRecord[] {
  return arrivals(publish(honestRecords(), me.signer));
}

const TAMPER_LISTS = ["missing", "reordered", "modified", "inserted", "replayed", "badSignature"] as const;

function findings(v: TruckVerdict): Record<string, unknown> {
  return Object.fromEntries(TAMPER_LISTS.filter((k) => v[k].length > 0).map((k) => [k, v[k]]));
}

function indexOfSeq(records: readonly AgentRecord[], seq: number): number {
  return records.findIndex((r) => r.seq === seq);
}

describe("verify: the honest stream", () => {
  it("verifies every record, with the crash-skipped numbers listed apart", () => {
    const records = honest();
    const v = verify(records);
    expect(findings(v)).toEqual({});
    expect(v.tampered).toBe(false);
    expect(v.verified).toBe(records.length);
    expect(v.skipped).toEqual([[201, 1000]]);
  });

  it("counts at-least-once copies as duplicates: a resent batch and a resent event", () => {
    const messages = publish(honestRecords(), me.signer);
    const batchAt = messages.findIndex((m) => m.topic.endsWith("/batch"));
    const eventAt = messages.findIndex((m) => m.topic.endsWith("/event"));
    const resent = [...messages.slice(0, batchAt + 2), messages[batchAt]!, messages[eventAt]!, ...messages.slice(batchAt + 2)];
    const v = verify(arrivals(resent));
    expect(findings(v)).toEqual({});
    expect(v.duplicates).toBe(51);
  });

  it("follows the chain across thinned positions with the digests the thinned event commits to", () => {
    const records = honestRecords();
    const doomed = records.filter((r) => r.kind === "position" && r.seq >= 20 && r.seq < 120 && r.seq % 2 === 1);
    const removed = doomed.map((r) => ({ seq: r.seq, digest: recordDigest(r) }));
    const last = records.at(-1)!;
    const thinned: AgentRecord = {
      ...last,
      id: `${TRUCK}:${last.seq + 1}`,
      seq: last.seq + 1,
      kind: "event",
      body: { type: "thinned", severity: "warning", details: { kind: "position", seqRanges: [[doomed[0]!.seq, doomed.at(-1)!.seq]], removed: doomed.length, removedDigests: encodeRemoved(removed) } },
    };
    new ChainLinker({ seq: last.seq, hash: encodeHash(recordHash(last)) }).link(thinned);
    const kept = [...records.filter((r) => !doomed.includes(r)), thinned];

    const v = verify(arrivals(publish(kept, me.signer)));
    expect(findings(v)).toEqual({});
    expect(v.thinnedRecords).toBe(doomed.length);
  });

  it("accepts a chain restart that an outbox_lost event accounts for, and names one it does not", () => {
    const records = honestRecords();
    const cut = indexOfSeq(records, 1100);
    const lost = records.slice(cut, cut + 20);
    const after = records.slice(cut + 20);
    // The fresh store's first records start a new chain (prev null); its outbox_lost event follows.
    const at = after.findIndex((r) => r.kind === "weight");
    const event: AgentRecord = { ...after[at]!, kind: "event", body: { type: "outbox_lost", severity: "alarm", details: { seqRanges: [[lost[0]!.seq, lost.at(-1)!.seq]] } } };
    after[at] = event;
    relink(after);

    const accounted = verify(arrivals(publish([...records.slice(0, cut), ...after], me.signer)));
    expect(findings(accounted)).toEqual({});
    expect(accounted.outboxLost).toEqual([[lost[0]!.seq, lost.at(-1)!.seq]]);

    event.body = { type: "zone_exit", severity: "info", details: {} };
    relink(after);
    const unaccounted = verify(arrivals(publish([...records.slice(0, cut), ...after], me.signer)));
    expect(unaccounted.missing).toEqual([[lost[0]!.seq, lost.at(-1)!.seq]]);
  });
});

describe("verify: each tampering is caught and named", () => {
  it("a field modified inside a batch", () => {
    const records = honest();
    const at = indexOfSeq(records, 40);
    records[at] = { ...records[at]!, body: { ...records[at]!.body, speedKmh: 12.5 } };
    const v = verify(records);
    expect(findings(v)).toEqual({ modified: [40] });
    expect(v.tampered).toBe(true);
  });

  it("a field modified in a signed single record (an event)", () => {
    const records = honest();
    const at = records.findIndex((r) => r.kind === "event");
    const seq = records[at]!.seq;
    records[at] = { ...records[at]!, gpsTime: "2026-12-03T07:00:00.000Z" };
    expect(findings(verify(records))).toEqual({ modified: [seq] });
  });

  it("a record deleted", () => {
    const records = honest();
    records.splice(indexOfSeq(records, 77), 1);
    expect(findings(verify(records))).toEqual({ missing: [[77, 77]] });
  });

  it("two records swapped", () => {
    const records = honest();
    const a = indexOfSeq(records, 60);
    const b = indexOfSeq(records, 61);
    [records[a], records[b]] = [records[b]!, records[a]!];
    expect(findings(verify(records))).toEqual({ reordered: [60] });
  });

  it("a forged record inserted into numbers a crash skipped, and one appended", () => {
    const records = honest();
    const before = records[indexOfSeq(records, 200)]!;
    const forged: AgentRecord = { ...before, id: `${TRUCK}:500`, seq: 500, body: { ...before.body, lat: 31.3 } };
    delete forged.sig;
    new ChainLinker({ seq: 200, hash: encodeHash(recordHash(before)) }).link(forged);
    records.splice(indexOfSeq(records, 200) + 1, 0, forged);

    const last = records.reduce((a, b) => (a.seq > b.seq ? a : b));
    const appended: AgentRecord = { ...last, id: `${TRUCK}:${last.seq + 1}`, seq: last.seq + 1, kind: "event", body: { type: "overspeed" } };
    delete appended.sig;
    new ChainLinker({ seq: last.seq, hash: encodeHash(recordHash(last)) }).link(appended);
    records.push(appended);

    expect(findings(verify(records))).toEqual({ inserted: [500, last.seq + 1] });
  });

  it("an old record replayed long after it was delivered", () => {
    const records = honest();
    const old = records.find((r) => r.kind === "position" && r.seq === 10)!;
    records.push({ ...old });
    const v = verify(records);
    expect(findings(v)).toEqual({ replayed: [10] });
    expect(v.duplicates).toBe(0);
  });

  it("a record changed and re-signed with another key", () => {
    const records = honest();
    const at = records.findIndex((r) => r.kind === "weight");
    const seq = records[at]!.seq;
    const changed: AgentRecord = { ...records[at]!, body: { ...records[at]!.body, weightKg: 9000 } };
    delete changed.sig;
    changed.sig = stranger.signer.sign(recordHash(changed));
    records[at] = changed;
    const v = verify(records);
    expect(v.badSignature).toEqual([seq]);
    expect(v.tampered).toBe(true);
  });

  it("a whole stream signed with a key the truck never registered", () => {
    const records = arrivals(publish(honestRecords(), stranger.signer));
    const v = verify(records);
    expect(v.verified).toBe(0);
    expect(v.badSignature.length).toBeGreaterThan(0);
    expect(v.tampered).toBe(true);
  });
});
