/**
 * The chain's building blocks: canonical JSON is RFC 8785 (checked against the `canonicalize`
 * package on real records and awkward values), and a record's digest ignores key order and its
 * integrity fields but nothing else.
 */
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { ChainLinker, canonicalJson, encodeHash, linkHash, recordDigest, recordHash } from "../../agent/trail/chain.js";
import { hourOfRecords } from "./hour-of-positions.js";

describe("the chain", () => {
  it("writes canonical JSON exactly as RFC 8785 (the canonicalize package) does", () => {
    const awkward = { "é": 1, b: [1.5e-7, 1e21, -0.1, null, "\u2028\"\\"], a: { z: true, "\u00ff": "ß", A: {} }, "10": 2, "1": 3 };
    // Keys already in order skip the sort: that path must give the same text.
    const ordered = { a: [{ b: 1, c: [[], {}] }, "x", false], d: { e: null, f: -0 }, g: 1e-7 };
    for (const value of [...hourOfRecords({ seconds: 700 }), awkward, ordered]) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it("links records: each gets the head before it as prev, the head is its hash", () => {
    const records = hourOfRecords({ seconds: 5 });
    const linker = new ChainLinker(null);
    let head = linker.current;
    for (const record of records) {
      const linked = linker.link(record, head);
      expect(linked).toEqual({ seq: record.seq, hash: encodeHash(recordHash(record)) });
      expect(record.prev).toBe(head?.hash ?? null);
      head = linked;
    }

    // A head the linker did not just make (a restart, another chain) is decoded, not taken from its cache.
    const other = { seq: 1, hash: encodeHash(linkHash(null, recordDigest(records[0]!))) };
    const [again] = hourOfRecords({ seconds: 1 });
    expect(linker.link(again!, other).hash).toBe(encodeHash(linkHash(linkHash(null, recordDigest(records[0]!)), recordDigest(again!))));
  });

  it("digests content, not key order, prev or sig; any field change changes it", () => {
    const [record] = hourOfRecords({ seconds: 1 });
    const reordered = Object.fromEntries(Object.entries(record!).reverse()) as typeof record;
    expect(recordDigest(reordered!)).toEqual(recordDigest(record!));
    expect(recordDigest({ ...record!, prev: null, sig: "x" })).toEqual(recordDigest(record!));
    expect(recordDigest({ ...record!, body: { ...record!.body, sats: 13 } })).not.toEqual(recordDigest(record!));
    expect(recordHash({ ...record!, prev: null })).toEqual(linkHash(null, recordDigest(record!)));
  });
});
