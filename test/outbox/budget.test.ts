/** The byte budget (fault case e): thinning keeps the store bounded and accounts for every removal. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { Outbox, PRIORITY_CLASSES, type ThinPass } from "../../agent/outbox.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { StorageBudget } from "../../agent/storage-budget.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { fixAt } from "./records-fixture.js";

const MIB = 1024 * 1024;
let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-budget-");
});
afterEach(async () => {
  await dir.remove();
});

async function allStored(outbox: Outbox): Promise<AgentRecord[]> {
  return (await Promise.all(PRIORITY_CLASSES.map((cls) => outbox.read(cls, 0, 1_000_000)))).flat();
}

describe("outbox byte budget", () => {
  it("thins the oldest positions first, keeps every event, and stays within the budget", async () => {
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
    const factory = new RecordFactory("TRK-B", SequenceStore.open(dir.path));
    const accepted: AgentRecord[] = [];
    for (let i = 0; i < 150_000; i++) {
      if (i % 300 === 0) accepted.push(factory.event({ type: "overspeed", severity: "alarm", startedAt: new Date().toISOString() }));
      if (i % 10 === 0) accepted.push(factory.weight({ time: new Date().toISOString(), weightKg: i, kind: "gross", stable: true, overload: false, error: false }, null));
      accepted.push(factory.position(fixAt(i % 60, 31 + i / 1e6, 121 + i / 1e6)));
    }
    for (let i = 0; i < accepted.length; i += 5000) await Promise.all(accepted.slice(i, i + 5000).map((r) => outbox.accept(r)));
    const before = outbox.diskBytes();

    const passes: ThinPass[] = [];
    const budget = new StorageBudget(outbox, { maxBytes: 4 * MIB }, () => new Set(), (pass) => passes.push(pass));
    await budget.enforce();

    expect(before).toBeGreaterThan(4 * MIB);
    expect(outbox.diskBytes()).toBeLessThanOrEqual(4 * MIB);
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((p) => p.kind === "position")).toBe(true); // positions went first and sufficed

    const stored = await allStored(outbox);
    const storedSeqs = new Set(stored.map((r) => r.seq));
    // Every event kept; every record that went is inside a thinned range of its kind.
    expect(accepted.filter((r) => r.kind === "event" && !storedSeqs.has(r.seq))).toEqual([]);
    const unaccounted = accepted.filter((r) => !storedSeqs.has(r.seq) && !passes.some((p) => p.kind === r.kind && r.seq >= p.fromSeq && r.seq <= p.toSeq));
    expect(unaccounted).toEqual([]);
    expect(passes.reduce((sum, p) => sum + p.removed, 0)).toBe(accepted.length - stored.length);
    expect(budget.thinned()).toEqual({ position: accepted.length - stored.length });
    await outbox.close();
  }, 120_000); // 165,000 records, each chained (hashed) on the way in: tens of seconds on a busy machine

  it("measures the store again after an eighth of the budget was written, not only on its timer", async () => {
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
    const factory = new RecordFactory("TRK-B", SequenceStore.open(dir.path));
    const passes: ThinPass[] = [];
    // A timer that never fires within the test: only the bytes written can start a check.
    const budget = new StorageBudget(outbox, { maxBytes: 4 * MIB, checkIntervalMs: 3_600_000 }, () => new Set(), (pass) => passes.push(pass));
    budget.start();

    let writtenAtFirstPass: number | null = null;
    for (let i = 0; i < 60_000; i += 2000) {
      const chunk = Array.from({ length: 2000 }, (_, k) => factory.position(fixAt((i + k) % 60, 31 + (i + k) / 1e6, 121)));
      await Promise.all(chunk.map((r) => outbox.accept(r)));
      if (passes.length > 0 && writtenAtFirstPass === null) writtenAtFirstPass = outbox.bytesWritten;
    }
    await waitFor(() => passes.length > 0, 20_000, "a thinning pass started by the bytes written");
    await budget.enforce();
    budget.stop();

    expect(outbox.bytesWritten).toBeGreaterThan(8 * MIB);
    expect(passes.length).toBeGreaterThan(0);
    // It kept up while the records came, instead of finding twice the budget at the end.
    expect(writtenAtFirstPass).not.toBeNull();
    expect(outbox.diskBytes()).toBeLessThanOrEqual(4 * MIB);
    await outbox.close();
  }, 120_000);
});
