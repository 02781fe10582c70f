/**
 * The agent's heap setting for a draining backlog (agent/heap-tuning.ts) in a real V8: the same
 * churn of promoted garbage, in two fresh processes, with and without it. With V8's defaults the old generation
 * grows to several times what is live before a full collection; tuned, it stays near it.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TIGHT_HEAP_FROM_RECORDS, heapForBacklog, heapIsTight } from "../../agent/heap-tuning.js";

function largestHeap(mode: "tuned" | "default"): number {
  const child = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "heap-churn.ts"), mode], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`heap-churn ${mode} exited with ${child.status}: ${child.stderr}`);
  return Number(child.stdout.trim());
}

describe("the agent's heap settings", () => {
  it("keep the heap near what is live while promoted garbage piles up", () => {
    const untuned = largestHeap("default");
    const tuned = largestHeap("tuned");

    // About 20 MB is live at any time. Here: 149 MB untuned, 69 MB tuned.
    expect(untuned).toBeGreaterThan(100 * 2 ** 20);
    expect(tuned).toBeLessThan(0.7 * untuned);
    expect(tuned).toBeGreaterThan(20 * 2 ** 20);
  }, 60_000);
});

describe("when the heap is held tight", () => {
  it("from a backlog of TIGHT_HEAP_FROM_RECORDS on, until it is down to half of that", () => {
    expect(heapIsTight()).toBe(false);
    heapForBacklog(TIGHT_HEAP_FROM_RECORDS - 1);
    expect(heapIsTight()).toBe(false);

    heapForBacklog(TIGHT_HEAP_FROM_RECORDS);
    expect(heapIsTight()).toBe(true);
    // Draining: no flapping around the threshold.
    heapForBacklog(TIGHT_HEAP_FROM_RECORDS - 1);
    heapForBacklog(TIGHT_HEAP_FROM_RECORDS / 2 + 1);
    expect(heapIsTight()).toBe(true);

    heapForBacklog(TIGHT_HEAP_FROM_RECORDS / 2);
    expect(heapIsTight()).toBe(false);
  });
});
