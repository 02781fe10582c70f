/**
 * The per-truck sequence number: it only grows, across restarts, crashes and a lost outbox.
 *
 * It is kept in its own small file beside the outbox, not in the outbox, so that a store that
 * is moved aside after corruption does not take the numbering with it. Numbers are reserved in
 * blocks: before the first number of a block is handed out, the end of the block is written and
 * fsynced (write to a temp file, fsync, rename, fsync the folder). A crash therefore skips at most
 * the rest of one block — a gap, never a reuse. Consumers read gaps as "numbers never used" only
 * together with the agent's `sequence_skip` note in the README.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileDurably } from "./durable-file.js";

export const SEQUENCE_FILE = "sequence.json";
/** A second copy, written after the first: one torn, emptied or deleted file cannot reset the count. */
const SEQUENCE_COPY = "sequence.copy.json";
const BLOCK = 1000;

export class SequenceStore {
  private next: number;
  private reservedUpTo: number;

  private constructor(private readonly dir: string, first: number) {
    this.next = first;
    this.reservedUpTo = first;
  }

  /**
   * Opens the sequence of a data folder. `floor` is the lowest number allowed (the outbox's
   * highest stored sequence + 1), for the case where the file was lost but the store was not.
   */
  static open(dir: string, floor = 1): SequenceStore {
    mkdirSync(dir, { recursive: true });
    const stored = Math.max(readReserved(join(dir, SEQUENCE_FILE)), readReserved(join(dir, SEQUENCE_COPY)));
    return new SequenceStore(dir, Math.max(stored, floor, 1));
  }

  /** The next number; reserves (and syncs) a new block first when the current one is used up. */
  take(): number {
    if (this.next >= this.reservedUpTo) this.reserve(this.next + BLOCK);
    return this.next++;
  }

  /**
   * On a clean stop, gives back the unused rest of the block: the next start continues with the
   * very next number, so only a crash leaves a gap in the numbering.
   */
  close(): void {
    if (this.reservedUpTo > this.next) this.reserve(this.next);
  }

  /** The number `take()` will return next. */
  peek(): number {
    return this.next;
  }

  private reserve(upTo: number): void {
    for (const name of [SEQUENCE_FILE, SEQUENCE_COPY]) {
      writeFileDurably(join(this.dir, name), `${JSON.stringify({ next: upTo })}\n`);
    }
    this.reservedUpTo = upTo;
  }
}

function readReserved(file: string): number {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { next?: unknown };
    return typeof parsed.next === "number" && Number.isSafeInteger(parsed.next) ? parsed.next : 1;
  } catch {
    // Missing or torn: the caller's floor (from the outbox) takes over.
    return 1;
  }
}
