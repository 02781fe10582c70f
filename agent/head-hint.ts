/**
 * The outbox's head hint: the oldest sequence number the store holds, written beside it every
 * few seconds. If the store is ever found corrupt, this says where the range of possibly lost
 * records begins. A hint, not a record: a stale one only makes the reported range wider.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "outbox-head.json";

export function writeHeadHint(dataDir: string, oldestSeq: number, nextSeq: number): void {
  const file = join(dataDir, FILE);
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify({ oldestSeq, nextSeq })}\n`);
    renameSync(`${file}.tmp`, file);
  } catch {
    // A hint that cannot be written leaves the next recovery a wider range; nothing else.
  }
}

export function readHeadHint(dataDir: string): number | null {
  return readField(dataDir, "oldestSeq");
}

/** The next sequence number when the hint was written: a third witness against a reused number. */
export function readNextSeqHint(dataDir: string): number | null {
  return readField(dataDir, "nextSeq");
}

function readField(dataDir: string, field: "oldestSeq" | "nextSeq"): number | null {
  try {
    const value = (JSON.parse(readFileSync(join(dataDir, FILE), "utf8")) as Record<string, unknown>)[field];
    return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
  } catch {
    return null;
  }
}
