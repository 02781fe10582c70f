/**
 * Files that must survive a power cut whole: the sequence reservation, detector state, the
 * gateway's keys. Written to a temporary file, synced, renamed over the old one, and the folder
 * synced too — the rename lives in the folder, and without that sync a power cut can undo it.
 * A reader then finds the old contents or the new ones, never half of either.
 */
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Replaces `file` with `text` atomically and durably; `mode` is set exactly (the umask may not narrow or widen it). */
export function writeFileDurably(file: string, text: string, mode?: number): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text, mode === undefined ? undefined : { mode });
  if (mode !== undefined) chmodSync(temporary, mode);
  syncPath(temporary);

  renameSync(temporary, file);
  syncPath(dirname(file));
}

/** fsync of a file or a folder by path. */
export function syncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
