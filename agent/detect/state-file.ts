/**
 * The detectors' state on disk (`<dataDir>/detect-state.json`): which zones the truck is in, an
 * open route deviation or overspeed episode, the settled weight and the open trip. Restored at
 * start, so a restart (or a power cut) in the middle of a trip neither re-announces the site the
 * truck stands in nor forgets that it was off route or loaded.
 *
 * Written on every change of that state, atomically: a temporary file, fsync, rename over the
 * old one, so a power cut leaves the old state or the new, never half of one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileDurably } from "../durable-file.js";
import { logger } from "../log.js";

const STATE_VERSION = 1;
const log = logger("detect");

export interface StoredState {
  version: typeof STATE_VERSION;
  savedAt: string;
  state: Record<string, unknown>;
}

export class DetectStateFile {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, "detect-state.json");
  }

  /** The saved state, or null when there is none or it cannot be read (then detection starts fresh). */
  load(): Record<string, unknown> | null {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        log.warn(
          { err: (error as Error).message, path: this.path },
          "detector state unreadable; starting fresh",
        );
      return null;
    }
    try {
      const stored = JSON.parse(text) as StoredState;
      if (stored.version !== STATE_VERSION) throw new Error(`version ${String(stored.version)}`);
      return stored.state;
    } catch (error) {
      log.warn({ err: (error as Error).message, path: this.path }, "detector state corrupt; starting fresh");
      return null;
    }
  }

  save(state: Record<string, unknown>, atMs: number): void {
    const stored: StoredState = { version: STATE_VERSION, savedAt: new Date(atMs).toISOString(), state };
    writeFileDurably(this.path, JSON.stringify(stored));
  }
}
