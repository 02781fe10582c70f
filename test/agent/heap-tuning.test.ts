/**
 * The agent's heap setting for a draining backlog (agent/heap-tuning.ts) in a real V8: the same
 * churn of promoted garbage, in two fresh processes, with and without it. With V8's defaults the old generation
 * grows to several times what is live before a full collection; tuned, it stays near it.
 */
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
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

describe("in a worker thread", () => {
  it("leaves the process's heap setting alone: other threads share it", async () => {
    // A worker does not inherit tsx's loader on Node 20: register it first, as the fleet does.
    const target = pathToFileURL(join(import.meta.dirname, "heap-worker.ts")).href;
    const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`;
    const worker = new Worker(boot, { eval: true });
    const tight = await new Promise<boolean>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();

    expect(tight).toBe(false);
    // The same backlog on the main thread does tighten it.
    heapForBacklog(TIGHT_HEAP_FROM_RECORDS * 10);
    expect(heapIsTight()).toBe(true);
    heapForBacklog(0);
  });
});
