/** The outbox on a real LevelDB folder. */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox, recordKey } from "../../agent/outbox.js";
import { SequenceStore } from "../../agent/sequence.js";
import { outboxOptionsFor, WRITE_BUFFER_BYTES } from "../../agent/storage-budget.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { recordMaker } from "./records-fixture.js";

const MIB = 1024 * 1024;
let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-outbox-");
});
afterEach(async () => {
  await dir.remove();
});

describe("outbox", () => {
  it("keeps accepted records across a close and reopen, in sequence order", async () => {
    const make = recordMaker(dir.path);
    const records = make(50);
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 50 });
    await Promise.all(records.map((r) => outbox.accept(r)));
    await outbox.close();

    const reopened = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 50 });
    expect(reopened.depth).toBe(50);
    expect(reopened.maxSeq).toBe(records.at(-1)!.seq);
    const read = await reopened.read(2, 0, 100);
    expect(read.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect((await reopened.read(2, records[9]!.seq, 5)).map((r) => r.seq)).toEqual(records.slice(10, 15).map((r) => r.seq));
    await reopened.close();
  });

  it("groups accepts into one synced batch no later than the sync interval", async () => {
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 100 });
    const records = recordMaker(dir.path)(20);
    const started = Date.now();
    let durableEvents = 0;
    outbox.on("durable", () => durableEvents++);

    await Promise.all(records.map((r) => outbox.accept(r)));
    const waitedMs = Date.now() - started;

    expect(durableEvents).toBe(1);
    expect(waitedMs).toBeGreaterThanOrEqual(90);
    expect(outbox.depth).toBe(20);
    await outbox.close();
  });

  it("deletes a record on ack only, and never returns it again", async () => {
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    const records = recordMaker(dir.path)(5);
    await Promise.all(records.map((r) => outbox.accept(r)));

    await outbox.ack([records[1]!]);
    await outbox.ack([records[3]!]);

    expect(outbox.depth).toBe(3);
    expect((await outbox.read(2, 0, 10)).map((r) => r.seq)).toEqual([records[0]!.seq, records[2]!.seq, records[4]!.seq]);
    await outbox.close();
  });

  it("deletes every record of many acks made at once, counts each once, and reads an empty class as empty", async () => {
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    expect(await outbox.read(2, 0, 10)).toEqual([]);
    const records = recordMaker(dir.path)(300);
    await Promise.all(records.map((r) => outbox.accept(r)));

    // As PUBACKs arrive back to back: acks of single records, overlapping, one of them twice.
    const acks = records.slice(0, 200).map((r) => outbox.ack([r]));
    acks.push(outbox.ack([records[5]!]), outbox.ack(records.slice(190, 210)));
    await Promise.all(acks);

    expect(outbox.depth).toBe(90);
    expect((await outbox.read(2, 0, 500)).map((r) => r.seq)).toEqual(records.slice(210).map((r) => r.seq));
    await outbox.ack(records.slice(210));
    expect(outbox.depth).toBe(0);
    expect(await outbox.read(2, 0, 10)).toEqual([]);
    await outbox.close();

    const reopened = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    expect(reopened.depth).toBe(0);
    await reopened.close();
  });

  it("loses no accepted record when the process is killed with SIGKILL", async () => {
    const script = join(import.meta.dirname, "kill-writer.ts");
    const child = spawn(process.execPath, ["--import", "tsx", script, dir.path], { stdio: ["ignore", "pipe", "inherit"] });
    const accepted: number[] = [];
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) accepted.push(Number(line));
      if (accepted.length >= 300) child.kill("SIGKILL");
    });
    await new Promise((resolve) => child.on("exit", resolve));

    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
    const stored = new Set((await outbox.read(2, 0, 1_000_000)).map((r) => r.seq));
    const missing = accepted.filter((seq) => !stored.has(seq));
    expect(accepted.length).toBeGreaterThanOrEqual(300);
    expect(missing).toEqual([]);
    await outbox.close();

    // The sequence continues above everything handed out, even though the writer was killed.
    expect(SequenceStore.open(dir.path).take()).toBeGreaterThan(Math.max(...accepted));
  });
});

describe("an unreadable record", () => {
  it("is set aside and counted, and the records behind it still come out", async () => {
    const folder = join(dir.path, "outbox");
    const records = recordMaker(dir.path)(5);
    const outbox = await Outbox.open(folder, { syncIntervalMs: 5 });
    await Promise.all(records.map((r) => outbox.accept(r)));
    await outbox.close();
    const { Level } = await import("level");
    const raw = new Level<string, string>(folder, { valueEncoding: "utf8" });
    await raw.put(recordKey(2, records[1]!.seq), '{"id":"TRK-T1:2","trunc');
    await raw.close();

    const reopened = await Outbox.open(folder, { syncIntervalMs: 5 });
    const read = await reopened.read(2, 0, 100);

    expect(read.map((r) => r.seq)).toEqual([0, 2, 3, 4].map((i) => records[i]!.seq));
    expect(reopened.unreadableCount).toBe(1);
    expect(reopened.depth).toBe(4);
    expect((await reopened.read(2, 0, 100)).length).toBe(4);
    await reopened.close();
  });
});

describe("the outbox's write buffer", () => {
  it("is 1 MiB in the agent's options, whatever the budget", () => {
    expect(WRITE_BUFFER_BYTES).toBe(MIB);
    expect(outboxOptionsFor({ syncIntervalMs: 200 })).toEqual({ syncIntervalMs: 200, writeBufferBytes: MIB });
  });

  it("reaches LevelDB: a small buffer turns about a megabyte of records into tables, the default keeps them in its log", async () => {
    const records = recordMaker(dir.path)(4000);
    const tables = async (name: string, writeBufferBytes: number) => {
      const folder = join(dir.path, name);
      const outbox = await Outbox.open(folder, { syncIntervalMs: 0, writeBufferBytes });
      for (let i = 0; i < records.length; i += 500) await Promise.all(records.slice(i, i + 500).map((r) => outbox.accept(r)));
      await outbox.close();
      return readdirSync(folder).filter((file) => file.endsWith(".ldb")).length;
    };

    const bytes = records.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
    expect(bytes).toBeGreaterThan(MIB);
    expect(bytes).toBeLessThan(4 * MIB);
    expect(await tables("small", MIB / 4)).toBeGreaterThan(0);
    expect(await tables("default", 4 * MIB)).toBe(0);
  });
});
