/**
 * The compact batch format (agent/batch.ts) record by record: every record comes back as the very
 * same JSON whatever it holds — positions of the driver's shape as columns, anything else as JSON,
 * numbers that fit no scale escaped whole — the chain links and the one signature survive, the old
 * gzip NDJSON batches still decode, and a position costs far less than JT/T 808's 43 bytes.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { decodeBatch, encodeBatch, packBatch } from "../../agent/batch.js";
import { recordHash } from "../../agent/trail/chain.js";
import { verifyTrailSignature } from "../../agent/trail/identity.js";
import { hourOfRecords } from "./hour-of-positions.js";
import { newIdentity, relink } from "./stream.js";

const json = (records: readonly AgentRecord[]) => records.map((r) => JSON.stringify(r));

function positions(seconds: number): AgentRecord[] {
  return hourOfRecords({ seconds }).filter((r) => r.kind === "position");
}

describe("compact batch format", () => {
  it("round-trips positions exactly, and signs the last record's chain hash", () => {
    const batch = positions(300);
    const identity = newIdentity();
    const back = decodeBatch(encodeBatch(batch, identity.signer));

    const sig = back.at(-1)!.sig!;
    delete back.at(-1)!.sig;
    expect(json(back)).toEqual(json(batch));
    expect(verifyTrailSignature(identity.publicKey, recordHash(batch.at(-1)!), sig)).toBe(true);
    expect(back.slice(0, -1).every((r) => r.sig === undefined)).toBe(true);
  });

  it("keeps odd values exactly: nulls, no fix quality, numbers off every scale, flags, unchained records", () => {
    const [a, b, c, d] = positions(4).map((r) => structuredClone(r));
    a!.body = { ...a!.body, speedKmh: null, courseDeg: null, altM: -12.25, hdop: Math.PI };
    b!.body = { ...b!.body, lat: 31.123456789012345, lon: -0.5, sats: null, quality: "rtk", dateCorrected: true };
    b!.timeUncertain = true;
    c!.gpsTime = null;
    delete d!.prev;
    const odd = [a!, b!, c!, d!];
    expect(json(decodeBatch(encodeBatch(odd)))).toEqual(json(odd));
  });

  it("sends a position that only looks like the driver's shape as JSON, unchanged", () => {
    const traps: Array<(r: AgentRecord) => void> = [
      (r) => (r.gpsTime = r.gpsTime!.replace(".000Z", "Z")), // parses to the same instant, prints otherwise
      (r) => (r.receivedAt = r.receivedAt.replace("Z", "+00:00")),
      (r) => (r.timeUncertain = false as unknown as true),
      (r) => (r.body = { ...r.body, dateCorrected: false }),
      (r) => (r.body = { lon: r.body.lon, ...r.body }), // keys in another order
      (r) => (r.id = `${r.id}x`),
      (r) => Object.assign(r, { note: "extra" }),
      (r) => {
        const { prev, ...rest } = r;
        for (const key of Object.keys(r)) delete (r as unknown as Record<string, unknown>)[key];
        Object.assign(r, { prev, ...rest }); // prev first
      },
    ];
    const records = positions(traps.length + 2).map((r) => structuredClone(r));
    traps.forEach((trap, i) => trap(records[i + 1]!));
    const back = decodeBatch(encodeBatch(records));
    expect(json(back)).toEqual(json(records));
  });

  it("carries other kinds and foreign shapes as JSON, links and all", () => {
    const records = hourOfRecords({ seconds: 400 });
    const weights = records.filter((r) => r.kind === "weight");
    const mixed = [...records.slice(0, 50), { ...records[50]!, body: { ...records[50]!.body, extra: [1, { z: 2, a: null }] } }];
    relink(mixed);
    expect(json(decodeBatch(encodeBatch(weights)))).toEqual(json(weights));
    expect(json(decodeBatch(encodeBatch(mixed)))).toEqual(json(mixed));
  });

  it("still reads a gzip NDJSON batch from an older agent", () => {
    const batch = positions(5);
    const old = gzipSync(batch.map((r) => JSON.stringify(r)).join("\n"));
    expect(json(decodeBatch(old))).toEqual(json(batch));
  });

  it("spends at most 43 bytes a position (JT/T 808's 0x0200 report) on an hour of 1 Hz positions", () => {
    const all = positions(3600);
    const signer = newIdentity().signer;
    let bytes = 0;
    for (let i = 0; i < all.length; ) {
      const { count, payload } = packBatch(all.slice(i), { maxRecords: 200, maxBytes: 4800 }, signer);
      expect(json(decodeBatch(payload).map(({ sig: _s, ...r }) => r))).toEqual(json(all.slice(i, i + count)));
      bytes += payload.length;
      i += count;
    }
    expect(bytes / all.length).toBeLessThan(43);
  });
});
