/**
 * The scenario library: simulator/scenarios/*.yaml, a normal day of a muck truck and one
 * scenario per violation, trap and fault. The detection tests replay every one of them.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const LIBRARY_DIR = join(import.meta.dirname, "..", "scenarios");

/** Scenario names (file names without extension), sorted. */
export function libraryNames(): string[] {
  return readdirSync(LIBRARY_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => file.replace(/\.ya?ml$/, ""))
    .sort();
}

export function libraryFile(name: string): string {
  return join(LIBRARY_DIR, `${name}.yaml`);
}
