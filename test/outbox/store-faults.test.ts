/** Field cases F10 (two processes, one store) and F11 (a store corrupted by a power cut). */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { Outbox } from "../../agent/outbox.js";
import { SequenceStore } from "../../agent/sequence.js";
import { LEVEL, captureLogs } from "../helpers/log-capture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { recordMaker } from "./records-fixture.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-store-");
});
afterEach(async () => {
  await dir.remove();
});

describe("F10: two processes, one store", () => {
  it("waits for the lock with a clear warning, opens after the holder exits, loses nothing, never deletes LOCK", async () => {
    const holder = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "slow-holder.ts"), dir.path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => holder.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
    const holderExited = new Promise((resolve) => holder.on("exit", resolve));
    const logs = captureLogs("debug");
    const lockFile = join(dir.path, "outbox", "LOCK");
    let lockAlwaysThere = true;
    const watch = setInterval(() => (lockAlwaysThere &&= existsSync(lockFile)), 20);

    holder.kill("SIGTERM");
    const started = Date.now();
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10, lockWaitMs: 10_000 });
    const waitedMs = Date.now() - started;
    clearInterval(watch);
    await holderExited;

    expect(waitedMs).toBeGreaterThan(1500);
    expect(outbox.depth).toBe(100);
    expect(lockAlwaysThere).toBe(true);
    const warnings = logs.filter((l) => l.level === LEVEL.warn && l.msg.includes("store locked"));
    expect(warnings).toHaveLength(1);
    await outbox.close();
  });

  it("counts again when another process wrote between the key scan and the second open", async () => {
    // The outbox closes the store after its key scan and opens it again; a second process
    // spinning on the store, once it has seen it locked, gets in between. A try it misses is
    // repeated; each try must leave the counts right either way.
    const folder = join(dir.path, "outbox");
    let caughtInTheGap = 0;
    for (let attempt = 0; attempt < 5 && caughtInTheGap === 0; attempt++) {
      const before = await Outbox.open(folder, { syncIntervalMs: 10 });
      await Promise.all(recordMaker(join(dir.path, `seq-${attempt}`))(200).map((r, i) => before.accept({ ...r, seq: attempt * 1000 + i + 1, id: `TRK-T1:${attempt * 1000 + i + 1}` })));
      const depthBefore = before.depth;
      const intruderSeq = 5_000_000 + attempt;
      const intruder = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "gap-intruder.ts"), folder, String(intruderSeq), "300"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => intruder.on("exit", resolve));
      let said = "";
      intruder.stdout.on("data", (d: Buffer) => (said += d.toString()));
      await before.close();
      await waitFor(() => said.includes("ready"), 10_000, "the intruder to start");

      const outbox = await Outbox.open(folder, { syncIntervalMs: 10, lockWaitMs: 10_000 });
      // An intruder that got in wrote and closed before this open could finish; one that did
      // not is kept out by it until it closes.
      await sleep(100);
      const intruded = said.includes("wrote");
      if (intruded) {
        caughtInTheGap++;
        expect(outbox.depth).toBe(depthBefore + 1);
        expect(outbox.depthOf(0)).toBe(1);
        expect(outbox.maxSeq).toBe(intruderSeq);
        expect((await outbox.read(0, 0, 10)).map((r) => r.seq)).toEqual([intruderSeq]);
      } else {
        expect(outbox.depth).toBe(depthBefore);
      }
      await outbox.close();
      await exited;
      // Whoever wrote last, the next open counts everything, and the intruder's event is sent.
      const after = await Outbox.open(folder, { syncIntervalMs: 10 });
      expect(after.depthOf(0)).toBe(1);
      await after.ack(await after.read(0, 0, 10));
      await after.close();
    }
    expect(caughtInTheGap).toBeGreaterThan(0);
  }, 60_000);

  it("gives up with STORE_LOCKED after lockWaitMs", async () => {
    const holder = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    await expect(Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10, lockWaitMs: 300 })).rejects.toMatchObject({
      code: "STORE_LOCKED",
      message: expect.stringContaining(join(dir.path, "outbox")),
    });
    await holder.close();
  });
});

describe("F11: a power cut in the middle of a write", () => {
  async function storeWith(count: number): Promise<AgentRecord[]> {
    const records = recordMaker(dir.path)(count);
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    await Promise.all(records.map((r) => outbox.accept(r)));
    await outbox.close();
    return records;
  }

  it("moves the corrupt store aside, opens a fresh one at once, and salvages every record the repair can read", async () => {
    const records = await storeWith(50);
    const current = join(dir.path, "outbox", "CURRENT");
    writeFileSync(current, readFileSync(current, "utf8").trimEnd()); // "CURRENT file does not end with newline"

    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    const recovery = await outbox.recovery;

    expect(recovery).toMatchObject({ recovered: 50, firstRecoveredSeq: records[0]!.seq, lastRecoveredSeq: records[49]!.seq });
    expect(recovery!.error).toMatch(/CURRENT file does not end with newline/);
    expect(existsSync(recovery!.path)).toBe(true);
    expect((await outbox.read(2, 0, 100)).map((r) => r.id)).toEqual(records.map((r) => r.id));
    // The sequence continues above the old store's numbers.
    expect(SequenceStore.open(dir.path, outbox.maxSeq + 1).take()).toBeGreaterThan(records[49]!.seq);
    await outbox.close();
  });

  it("opens a fresh store when nothing can be salvaged, and says how many came back: none", async () => {
    await storeWith(20);
    const folder = join(dir.path, "outbox");
    for (const file of readdirSync(folder)) if (/\.(log|ldb)$/.test(file)) rmSync(join(folder, file));
    writeFileSync(join(folder, "CURRENT"), "MANIFEST-999999\n");

    const outbox = await Outbox.open(folder, { syncIntervalMs: 10 });
    const recovery = await outbox.recovery;

    expect(outbox.depth).toBe(0);
    expect(recovery).toMatchObject({ recovered: 0, firstRecoveredSeq: null });
    await outbox.close();
  });
});

describe("F11 in the running agent", () => {
  it("puts an outbox_lost alarm on record naming the range that may be lost and what was salvaged", async () => {
    const { Agent } = await import("../../agent/runtime.js");
    const { AgentConfigSchema } = await import("../../config/schema.js");
    const records = recordMaker(dir.path)(30);
    const old = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    await Promise.all(records.map((r) => old.accept(r)));
    await old.close();
    const current = join(dir.path, "outbox", "CURRENT");
    writeFileSync(current, readFileSync(current, "utf8").trimEnd());

    const agent = new Agent(
      AgentConfigSchema.parse({
        truckId: "TRK-T1",
        dataDir: dir.path,
        gps: { path: join(dir.path, "no-gps-here") },
        mqtt: { url: "mqtt://127.0.0.1:9" },
      }),
    );
    const events: AgentRecord[] = [];
    agent.onRecord = (r) => r.kind === "event" && events.push(r);
    await agent.start();
    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await agent.stop();

    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({
      type: "outbox_lost",
      severity: "alarm",
      details: { recovered: 30, recoveredSeqs: [records[0]!.seq, records[29]!.seq] },
    });
    const details = events[0]!.body.details as { seqRanges: Array<[number, number]> };
    expect(details.seqRanges).toHaveLength(1);
    expect(details.seqRanges[0]![0]).toBeLessThanOrEqual(records[0]!.seq);
    expect(details.seqRanges[0]![1]).toBeGreaterThanOrEqual(records[29]!.seq);
    expect(events[0]!.seq).toBeGreaterThan(records[29]!.seq);
  });
});

describe("fault case h: each corruption of the store", () => {
  async function storeOf(count: number): Promise<AgentRecord[]> {
    const records = recordMaker(dir.path)(count);
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    for (let i = 0; i < records.length; i += 2000) await Promise.all(records.slice(i, i + 2000).map((r) => outbox.accept(r)));
    await outbox.close();
    return records;
  }

  it("a damaged table file: found by the scan at open, moved aside, salvaged where the repair can", async () => {
    const records = await storeOf(30_000);
    const folder = join(dir.path, "outbox");
    const table = readdirSync(folder).find((f) => f.endsWith(".ldb"))!;
    const bytes = readFileSync(join(folder, table));
    bytes.fill(0xff, 100, 400);
    writeFileSync(join(folder, table), bytes);

    const outbox = await Outbox.open(folder, { syncIntervalMs: 10 });
    const recovery = await outbox.recovery;

    expect(recovery).toMatchObject({ how: "moved-aside" });
    expect(recovery!.error).toMatch(/corrupt/i);
    expect(recovery!.recovered).toBeGreaterThan(0);
    expect(recovery!.recovered).toBeLessThan(records.length); // the damaged block's records are gone
    expect(outbox.depth).toBe(recovery!.recovered);
    await outbox.close();
  });

  it("a truncated write-ahead log: the cut is noticed and reported, not passed over in silence", async () => {
    await storeOf(500);
    const folder = join(dir.path, "outbox");
    const log = readdirSync(folder).find((f) => f.endsWith(".log"))!;
    truncateSync(join(folder, log), Math.floor(statSync(join(folder, log)).size / 2));

    const outbox = await Outbox.open(folder, { syncIntervalMs: 10 });
    const recovery = await outbox.recovery;

    expect(recovery).toMatchObject({ how: "torn-log-tail", recovered: 0 });
    expect(recovery!.error).toMatch(/\.log: record cut off at byte \d+/);
    await outbox.close();
  });

  it("a log record whose checksum fails: LevelDB drops it, and the outbox says so", async () => {
    await storeOf(5000); // written in batches of up to 2,000
    const folder = join(dir.path, "outbox");
    const log = join(folder, readdirSync(folder).filter((f) => f.endsWith(".log")).sort().at(-1)!);
    const bytes = readFileSync(log);
    // A byte inside the last batch's payload: its checksum no longer matches; earlier ones stay.
    const at = bytes.length - 100;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(log, bytes);

    const outbox = await Outbox.open(folder, { syncIntervalMs: 10 });
    const recovery = await outbox.recovery;

    // LevelDB notes the drop only in its own LOG, which each open moves to LOG.old: the outbox
    // must read it before it opens the store a second time to let go of the scanned tables.
    expect(recovery).toMatchObject({ how: "log-records-dropped", recovered: 0 });
    expect(recovery!.error).toMatch(/dropping \d+ bytes/);
    expect(outbox.depth).toBeGreaterThan(0);
    expect(outbox.depth).toBeLessThan(5000);
    await outbox.close();
  });

  it("a clean store, closed or killed between batches, reports nothing", async () => {
    await storeOf(500);
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    expect(await outbox.recovery).toBeNull();
    expect(outbox.depth).toBe(500);
    await outbox.close();
  });
});
