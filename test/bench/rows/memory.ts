/**
 * Row 6, memory: peak RSS of an agent whose outbox holds a million records (the broker down for
 * a long time) against the same agent with an empty outbox. Each runs in a child process of its
 * own (test/bench/memory-child.ts): it opens the store, runs the storage budget and an uplink
 * that cannot connect while ten minutes of 10 Hz input go into the outbox, then drains to the
 * live broker for a few seconds. Target: at most 1.2× and under 150 MB.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeBacklog } from "../backlog.js";
import { runChild } from "../child.js";
import type { BenchOptions, RowResult } from "../measure.js";

const MB = 1024 * 1024;
const LIMIT_MB = 150;

export async function memoryRow(options: BenchOptions): Promise<RowResult> {
  const backlog = options.quick ? 100_000 : 1_000_000;
  const full = join(options.scratch, "memory-full");
  const empty = join(options.scratch, "memory-empty");
  mkdirSync(empty, { recursive: true });
  await writeBacklog(join(full, "outbox"), "BENCH-MEM-FULL", backlog);

  // A port nothing listens on: the uplink's connection attempts fail at once, as with no coverage.
  const downUrl = "mqtt://127.0.0.1:1";
  const epochs = options.quick ? "1200" : "6000";
  const drainS = options.quick ? "2" : "5";
  type Child = { peakRss: number; depthAtOpen: number; drained: number };
  const none = await runChild<Child>("memory-child", [empty, downUrl, options.brokerUrl, "BENCH-MEM-EMPTY", epochs, drainS]);
  const buffered = await runChild<Child>("memory-child", [full, downUrl, options.brokerUrl, "BENCH-MEM-FULL", epochs, drainS]);

  const agentMb = buffered.peakRss / MB;
  const baselineMb = none.peakRss / MB;
  return {
    id: "6",
    name: `Memory: peak RSS, ${backlog.toLocaleString("en")} records buffered vs none`,
    unit: "MB",
    agent: agentMb,
    baseline: baselineMb,
    ratio: agentMb / baselineMb,
    target: `≤ 1.2×, < ${LIMIT_MB} MB`,
    met: agentMb / baselineMb <= 1.2 && agentMb < LIMIT_MB,
    detail: { backlog, inputEpochs: Number(epochs), drainS: Number(drainS), buffered, none },
  };
}
