/**
 * Found by the soak: after thinning while a drain runs, the outbox's per-class counts go wrong
 * (the live status showed `positions: -68`), and with them the uplink's batching.
 *
 * BUG (agent/outbox.ts, Outbox.ack with Outbox.thinOldest and agent/drain.ts Drain's read-ahead):
 * the drain reads up to 256 records of a class ahead. Thinning deletes the oldest records that
 * are not in flight, and read-ahead records are not in flight, so it deletes some the drain
 * still holds. The uplink publishes them anyway; on their PUBACK `ack()` finds no delete under
 * way for those keys, deletes them again and decrements the class count a second time. The
 * counts drift below the truth, even below zero, until the next restart recounts. Then
 * `depthOf(2) >= backfill.minBacklog` is false however many positions wait: positions go out one
 * message each instead of in batches; in the soak (under load) they could no longer keep up
 * with new positions, and weights — a lower class, drained only when no position waits — were
 * never sent again (1,840 weights owed after 120 s, `weights: 5240` in the outbox).
 *
 * Fixed in the agent; this test keeps it fixed.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Drain } from "../../agent/drain.js";
import { Outbox } from "../../agent/outbox.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { recordMaker } from "../outbox/records-fixture.js";

let dir: TempDir | null = null;
let outbox: Outbox | null = null;
afterEach(async () => {
  await outbox?.close();
  await dir?.remove();
});

describe("outbox counts when thinning meets a drain", () => {
  // Was a bug: agent/outbox.ts Outbox.ack decrements for records thinning already deleted (see top).
  it("stay equal to the records stored", async () => {
    dir = await makeTempDir("muck-thin-counts-");
    outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 0 });
    await Promise.all(recordMaker(dir.path)(600).map((record) => outbox!.accept(record)));
    const drain = new Drain(outbox, { minBacklog: 20, maxRecords: 10, maxBytes: 4800 });

    // The first batch goes out; the drain now holds the next 246 records in its read-ahead.
    const first = (await drain.next(new Set()))!;
    const inFlight = new Set(first.records.map((r) => r.seq));
    const pass = (await outbox.thinOldest(2, 600, 2, inFlight))!;
    expect(pass.removed).toBeGreaterThan(200);

    // Everything the drain still offers is published and acknowledged, as the uplink does.
    await outbox.ack(first.records);
    for (let message = await drain.next(new Set()); message !== null; message = await drain.next(new Set())) {
      await outbox.ack(message.records);
    }

    const stored = (await outbox.read(2, 0, 10_000)).length;
    expect(stored).toBe(0);
    expect(outbox.depthOf(2)).toBe(stored);
  });
});
