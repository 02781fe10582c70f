/** The sequence number: only grows; a clean stop leaves no gap, a crash skips the rest of a block. */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SequenceStore } from "../../agent/sequence.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-seq-");
});
afterEach(async () => {
  await dir.remove();
});

describe("sequence store", () => {
  it("continues with the very next number after a clean stop", () => {
    const first = SequenceStore.open(dir.path);
    expect([first.take(), first.take(), first.take()]).toEqual([1, 2, 3]);
    first.close();

    expect(SequenceStore.open(dir.path).take()).toBe(4);
  });

  it("skips the rest of the reserved block after a crash, never reusing a number", () => {
    const crashed = SequenceStore.open(dir.path);
    for (let i = 0; i < 5; i++) crashed.take();
    // no close(): the process died

    expect(SequenceStore.open(dir.path).take()).toBe(1001);
  });

  it("never goes below a floor from the outbox, when the file was lost", () => {
    expect(SequenceStore.open(dir.path, 5000).take()).toBe(5000);
  });
});

describe("a damaged sequence file", () => {
  it.each([
    ["emptied", (file: string) => writeFileSync(file, "")],
    ["deleted", (file: string) => rmSync(file)],
    ["garbage", (file: string) => writeFileSync(file, "\u0000\u0000{nope")],
  ])("does not reset the numbering when %s: the second copy keeps it", (_name, damage) => {
    const store = SequenceStore.open(dir.path);
    for (let i = 0; i < 3; i++) store.take();
    store.close();
    damage(join(dir.path, "sequence.json"));

    expect(SequenceStore.open(dir.path).take()).toBe(4);
  });
});
