/** A fresh directory under the OS temp dir, removed with everything in it by `remove()`. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = "muck-test-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));

  return {
    path,
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
