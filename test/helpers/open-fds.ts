/** What this process's file descriptors point at (Linux), for leak checks on device handles. */
import { readdirSync, readlinkSync } from "node:fs";

export function openFdTargets(): string[] {
  const targets: string[] = [];

  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // The fd used by readdir itself is gone by now.
    }
  }
  return targets;
}
