/** The benchmark's row shape and the few measuring helpers every row shares. */
import { setTimeout as sleep } from "node:timers/promises";

export interface RowResult {
  /** `1`…`8`, `5b` for the batched drain. */
  id: string;
  name: string;
  unit: string;
  agent: number;
  /** null for the absolute rows (CPU per truck-hour), which have a fixed target instead. */
  baseline: number | null;
  /** agent / baseline (or agent / target for an absolute row). */
  ratio: number;
  target: string;
  met: boolean;
  /** What was run and how many times, for the JSON and the README. */
  detail: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
  brokerUrl: string;
  brokerPort: number;
  /** A scratch folder the row may fill and must leave to the runner to remove. */
  scratch: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`benchmark: timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Runs agent and baseline alternately `rounds` times, so a neighbour's load hits both alike. */
export async function alternate(rounds: number, agent: () => Promise<number>, baseline: () => Promise<number>): Promise<{ agent: number[]; baseline: number[] }> {
  const out = { agent: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    out.baseline.push(await baseline());
    out.agent.push(await agent());
  }
  return out;
}
