/**
 * What a big store costs in resident memory: LevelDB maps its table files, and the full key scan
 * at open touches every one. The store's options must bound how many stay mapped.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Outbox, recordKey } from "../../agent/outbox.js";
import { openStore } from "../../agent/store-open.js";
import { recordMaker } from "./records-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

const MIB = 1024 * 1024;
const VALUE_BYTES = 8 * 1024;
/** Tables a running compaction may hold open beyond the cache: its inputs from two levels. */
const COMPACTION_SLACK = 8;

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir("muck-store-memory-");
});
afterAll(async () => {
  await dir.remove();
});

/**
 * `mib` MiB of incompressible values under record keys, written through the agent's own store
 * options. Each batch also rewrites one key after them, as the outbox does its chain head: the
 * flushed tables then overlap and compaction merges them into tables of its own size, instead of
 * moving each one down as it is.
 */
async function fillStore(folder: string, mib: number): Promise<void> {
  const { db } = await openStore(folder, { lockWaitMs: 1000, writeBufferBytes: MIB });
  const perBatch = MIB / VALUE_BYTES;
  for (let batch = 0; batch < mib; batch++) {
    const ops = Array.from({ length: perBatch }, (_, i) => ({
      type: "put" as const,
      key: recordKey(2, batch * perBatch + i + 1),
      value: randomBytes(VALUE_BYTES * 0.75).toString("base64"),
    }));
    await db.batch([...ops, { type: "put", key: "t!head", value: String(batch) }]);
  }
  // Settled: no compaction left for the next open to start, whose inputs would be mapped while
  // the test counts (one busy run saw 14 tables of a compaction after the outbox's second open).
  await db.compactRange(recordKey(2, 0), "t!head~");
  await db.close();
}

/** Table files of `folder` this process has mapped now (Linux). */
function mappedTables(folder: string): Set<string> {
  const lines = readFileSync("/proc/self/maps", "utf8").split("\n");
  return new Set(lines.map((line) => line.slice(line.indexOf("/"))).filter((path) => path.startsWith(`${folder}/`) && path.endsWith(".ldb")));
}

describe("a store of many tables", () => {
  let folder: string;
  let tables: string[];
  beforeAll(async () => {
    folder = join(dir.path, "outbox");
    await fillStore(folder, 100);
    tables = readdirSync(folder).filter((name) => name.endsWith(".ldb"));
  }, 60_000);

  it("keeps about 64 tables of at most ~1 MiB mapped through a full key scan", async () => {
    // The test means something only if the store has more tables than may stay mapped.
    expect(tables.length).toBeGreaterThan(64 + COMPACTION_SLACK + 8);

    const { db } = await openStore(folder, { lockWaitMs: 1000, writeBufferBytes: MIB });
    let keys = 0;
    for await (const _key of db.keys()) keys++;
    const mapped = mappedTables(folder);
    await db.close();

    expect(keys).toBe(100 * (MIB / VALUE_BYTES) + 1);
    expect(mapped.size).toBeGreaterThan(0);
    // 64 in LevelDB's table cache, plus what a background compaction has open at that moment: a
    // table evicted from the cache stays mapped until its last reader lets go (one CI run saw 65).
    // Without the options every one of the 80+ tables stays mapped.
    expect(mapped.size).toBeLessThanOrEqual(64 + COMPACTION_SLACK);
    // LevelDB ends a table once it passes maxFileSize, so one can exceed it by a block.
    const largest = Math.max(...tables.map((name) => statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0));
    expect(largest).toBeLessThan(1.25 * MIB);
  }, 60_000);

  it("lets go of the tables its scan at open touched, and still reads and counts every record", async () => {
    const outbox = await Outbox.open(folder, { syncIntervalMs: 10 });
    const mapped = mappedTables(folder);
    const depthAtOpen = outbox.depth;
    // The store opened again must be the one the outbox writes to.
    const [record] = recordMaker(join(dir.path, "seq"))(1);
    await outbox.accept({ ...record!, seq: 1_000_000, id: "TRK-T1-1000000" });
    await outbox.close();

    expect(depthAtOpen).toBe(100 * (MIB / VALUE_BYTES));
    expect(outbox.depth).toBe(depthAtOpen + 1);
    // Only what a compaction started by the second open may hold; the scan alone maps 64.
    expect(mapped.size).toBeLessThanOrEqual(COMPACTION_SLACK);
  }, 60_000);
});
