/** Fixture files for the config tests, written into a fresh temp directory per test file. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface TempFiles {
  dir: string;
  /** Write `text` (or `value` as pretty JSON) to `name`; returns the full path. */
  write(name: string, content: string | object): string;
  remove(): void;
}

export function tempFiles(): TempFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "muck-config-"));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir, name);
      fs.writeFileSync(
        file,
        typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`,
      );
      return file;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The repository's config folder, for the shipped example files. */
export const CONFIG_DIR = fileURLToPath(new URL("../../config", import.meta.url));
