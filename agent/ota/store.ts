/**
 * Last-known-good bundles on disk: `<dataDir>/ota/fleet.json` and `<dataDir>/ota/truck.json`,
 * each the exact text of the last bundle of its channel that was applied. The agent starts from
 * them with no network. Written atomically (a temporary file, fsync, rename, fsync of the
 * folder), so a power cut leaves the previous bundle or the new one, never half of one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Channel } from "./bundle.js";

export class BundleStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "ota");
  }

  path(channel: Channel): string {
    return join(this.dir, `${channel}.json`);
  }

  /** The stored text, or null when there is none. */
  read(channel: Channel): string | null {
    try {
      return readFileSync(this.path(channel), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  write(channel: Channel, text: string): void {
    mkdirSync(this.dir, { recursive: true });
    const target = this.path(channel);
    const temporary = `${target}.tmp`;

    writeSynced(temporary, text);
    renameSync(temporary, target);
    // The rename is durable only once the folder's entry is on disk.
    const dir = openSync(this.dir, "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

function writeSynced(file: string, text: string): void {
  const fd = openSync(file, "w", 0o640);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
