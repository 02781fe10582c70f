/**
 * Row 8, startup: time from starting the real Agent to the PUBACK of its first record, on a data
 * folder whose outbox has seen millions of records written and acknowledged (deleted, with the
 * agent's periodic compaction) against a fresh one. Each start is a child process of its own;
 * three starts each, alternated; medians.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SequenceStore } from "../../../agent/sequence.js";
import { writeAndAcknowledge } from "../backlog.js";
import { runChild } from "../child.js";
import { median, type BenchOptions, type RowResult } from "../measure.js";

export async function startupRow(options: BenchOptions): Promise<RowResult> {
  const seen = options.quick ? 200_000 : 2_000_000;
  const used = join(options.scratch, "startup-used");
  await writeAndAcknowledge(join(used, "outbox"), "BENCH-START-USED", seen);
  // The sequence file a truck that handed out those numbers has.
  const sequence = SequenceStore.open(used, seen + 1);
  sequence.take();
  sequence.close();

  const runs = { used: [] as number[], fresh: [] as number[] };
  for (let round = 0; round < 3; round++) {
    const fresh = join(options.scratch, `startup-fresh-${round}`);
    mkdirSync(fresh, { recursive: true });
    runs.fresh.push((await runChild<{ ms: number }>("startup-child", [fresh, options.brokerUrl, `BENCH-START-FRESH-${round}`])).ms);
    runs.used.push((await runChild<{ ms: number }>("startup-child", [used, options.brokerUrl, "BENCH-START-USED"])).ms);
  }

  const agent = median(runs.used);
  const baseline = median(runs.fresh);
  return {
    id: "8",
    name: `Startup to first record published, ${(seen / 1e6).toLocaleString("en")} M records seen vs fresh`,
    unit: "ms",
    agent,
    baseline,
    ratio: agent / baseline,
    target: "≤ 2×",
    met: agent / baseline <= 2,
    detail: { recordsSeen: seen, runs },
  };
}
