/**
 * Opening the outbox's LevelDB folder when things are not as they should be.
 *
 * - Locked (field case F10): another agent still holds the folder — typically the previous
 *   process flushing after SIGTERM while a supervisor already started the next. Wait and retry
 *   with backoff up to `lockWaitMs`; say so once at warn. The LOCK file is never deleted: it is
 *   LevelDB's only protection against two writers.
 * - Corrupt (field case F11: a power cut mid-write, "CURRENT file does not end with newline"):
 *   move the folder aside, open a fresh store at once so the truck keeps recording, then try
 *   LevelDB's repair on the moved copy and bring back every record it still holds. What was in
 *   the store and could not be brought back is reported by the caller as an event.
 */
import { existsSync, renameSync } from "node:fs";
import { ClassicLevel } from "classic-level";
import { Level } from "level";
import { MuckError } from "./errors.js";
import { logger } from "./log.js";
import { reopenDelayMs } from "../drivers/serial/backoff.js";

/**
 * LevelDB reads its table files through mmap, and every page a read touches counts in the
 * agent's resident memory until the table leaves LevelDB's table cache (max_open_files − 10
 * tables). With the default of 1000 the full key scan at open left the whole store mapped: a
 * million buffered records added 130 MB of RSS (benchmark row 6), a full 512 MiB budget would
 * add 512 MB. 74 is LevelDB's floor (it raises anything lower to it): at most 64 tables mapped,
 * and with 1 MiB tables (LevelDB's smallest) about 64 MiB however big the backlog (the few
 * level-0 tables are the write buffer's size).
 */
export const STORE_TUNING = { maxOpenFiles: 74, maxFileSize: 1024 * 1024 } as const;

/**
 * `level` is the store's entry point; on Node it is classic-level's ClassicLevel, whose
 * compactRange() the outbox needs and whose type `level` does not re-export.
 */
export type OutboxDb = ClassicLevel<string, string>;

export interface StoreOpenOptions {
  /** How long to wait for another process to release the store, ms. */
  lockWaitMs: number;
  /** LevelDB's write buffer (memtable and the write-ahead log it bounds), bytes. */
  writeBufferBytes: number;
}

export interface QuarantinedStore {
  /** Where the corrupt folder was moved. */
  path: string;
  /** LevelDB's words for what was wrong. */
  error: string;
}

/** Opens the folder; a corrupt one is moved aside and `quarantined` says where; `waited`: another process held it first. */
export async function openStore(
  folder: string,
  options: StoreOpenOptions,
): Promise<{ db: OutboxDb; quarantined: QuarantinedStore | null; waited: boolean }> {
  const log = logger("outbox");
  const started = performance.now();
  let quarantined: QuarantinedStore | null = null;

  for (let attempt = 0; ; attempt++) {
    const db = new Level<string, string>(folder, { valueEncoding: "utf8", writeBufferSize: options.writeBufferBytes, ...STORE_TUNING }) as unknown as OutboxDb;
    try {
      await db.open();
      if (attempt > 0 && quarantined === null) log.info({ folder, waitedMs: performance.now() - started }, "store opened after waiting for its lock");
      return { db, quarantined, waited: attempt > 0 };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;

      if (cause?.code === "LEVEL_LOCKED") {
        if (performance.now() - started > options.lockWaitMs) {
          throw new MuckError("STORE_LOCKED", `store locked: ${folder} is held by another process (waited ${options.lockWaitMs} ms)`, { cause: error });
        }
        if (attempt === 0) log.warn({ folder }, "store locked by another process; retrying with backoff");
        await sleep(reopenDelayMs(attempt, 100, 2000));
        continue;
      }

      if (isDamaged(folder, cause) && quarantined === null) {
        quarantined = quarantine(folder, cause?.message ?? "corruption");
        continue;
      }

      throw new MuckError("STORE_UNUSABLE", `cannot open the outbox at ${folder}: ${cause?.message ?? (error as Error).message}`, { cause: error });
    }
  }
}

/** Runs LevelDB's repair on a moved-aside store and yields every record value it still holds. */
export async function* salvage(quarantinedPath: string, keyRange: { gte: string; lt: string }): AsyncGenerator<[string, string]> {
  // `level` re-exports classic-level on Node without its static repair().
  await ClassicLevel.repair(quarantinedPath);
  const db = new Level<string, string>(quarantinedPath, { valueEncoding: "utf8", ...STORE_TUNING });
  await db.open();
  try {
    for await (const entry of db.iterator(keyRange)) yield entry;
  } finally {
    await db.close();
  }
}

/**
 * Corruption, or one of the store's own files missing (a MANIFEST or table lost in a power cut).
 * Other I/O errors — a full disk, a permission — are not the store's fault and moving it aside
 * would not help, so they stop the open instead.
 */
function isDamaged(folder: string, cause: { code?: string; message?: string } | undefined): boolean {
  if (cause?.code === "LEVEL_CORRUPTION") return true;
  const message = cause?.message ?? "";
  return cause?.code === "LEVEL_IO_ERROR" && message.includes(folder) && message.includes("No such file or directory");
}

/** Moves a corrupt store aside so a fresh one can open in its place. */
export function quarantine(folder: string, error: string): QuarantinedStore {
  const quarantined = { path: moveAside(folder), error };
  logger("outbox").error({ folder, movedTo: quarantined.path, err: error }, "store corrupt: moved aside, opening a fresh one");
  return quarantined;
}

function moveAside(folder: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let target = `${folder}.corrupt-${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${folder}.corrupt-${stamp}-${n}`;
  renameSync(folder, target);
  return target;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
