/**
 * How a fleet run shows itself: a progress line while it runs (stderr, rewritten in place on a
 * terminal, one line every 10 s otherwise), the end table (cli-table3) and the JSON results.
 */
import Table from "cli-table3";

import type { FleetProgress, FleetResult } from "./fleet-run.js";
import type { LatencySummary } from "./latency.js";

const LOG_EVERY_MS = 10_000;

export function progressWriter(stream: NodeJS.WriteStream): (progress: FleetProgress) => void {
  let lastLineMs = 0;
  return (p) => {
    const line =
      `[${String(p.elapsedS).padStart(4)} s] ${p.phase.padEnd(8)} trucks ${p.started}/${p.trucks}` +
      ` · connections ${p.connected} · published ${p.published} · received ${p.delivered}` +
      ` · waiting ${p.undelivered}`;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K`);
      return;
    }
    if (performance.now() - lastLineMs < LOG_EVERY_MS) return;
    lastLineMs = performance.now();
    stream.write(`${line}\n`);
  };
}

export function resultTable(result: FleetResult): string {
  const table = new Table({ head: ["fleet", "value"], style: { head: [], border: [], compact: true } });
  const r = result;
  const outage = r.outage;
  const spread = outage?.reconnect;
  table.push(
    ["trucks (started / asked)", `${r.started} / ${r.trucks}`],
    ["brokers", r.brokers.join(", ")],
    ["driving, speed factor, record period", `${r.durationS} s, ×${r.speedFactor}, ${r.recordPeriodS} s`],
    ["startup (all agents up)", `${r.startupS} s`],
    ["connects (total / peak open)", `${r.connections.connects} / ${r.connections.peakOpen}`],
    ["connects/s (ramp / busiest second)", `${r.connections.rampConnectsPerS ?? "–"} / ${r.connections.peakConnectsPerS}`],
    ["record publishes (total / per s)", `${r.publish.published} / ${r.publish.perS}`],
    ["PUBACK latency p50 / p95 / p99 / max", latency(r.pubackLatency)],
    ["end-to-end latency p50 / p95 / p99 / max", latency(r.endToEndLatency)],
    ["records accepted / received", `${r.records.accepted} / ${r.records.delivered}`],
    ["records lost", String(r.records.lost)],
    ["still queued in outboxes at the end", String(r.records.queued)],
    ["duplicates received", String(r.records.duplicates)],
    ["outage (all trucks)", outage === null ? "none" : `${outage.lengthS} s, ${outage.mode}`],
    ["reconnect after restore first / p50 / p95 / last", spread == null ? "–" : `${ms(spread.firstMs)} / ${ms(spread.p50Ms)} / ${ms(spread.p95Ms)} / ${ms(spread.lastMs)}`],
    ["reconnect spread (last − first)", spread == null ? "–" : ms(spread.spreadMs)],
    ["recovery (all back, backlog received)", outage === null ? "–" : outage.recoveryS === null ? "NOT RECOVERED" : `${outage.recoveryS} s`],
    ["drain after driving stopped", `${r.drainS} s`],
  );
  for (const failure of r.failures.slice(0, 5)) table.push(["failed to start", failure]);
  return table.toString();
}

/**
 * Non-zero when a record was lost, or some were still queued when the drain timed out, a truck
 * did not start, or the fleet did not recover.
 */
export function exitCodeOf(result: FleetResult): number {
  const unrecovered = result.outage !== null && result.outage.recoveryS === null;
  const undelivered = result.records.lost + result.records.queued;
  return undelivered > 0 || result.failures.length > 0 || unrecovered ? 1 : 0;
}

function latency(summary: LatencySummary): string {
  if (summary.count === 0) return "–";
  return `${ms(summary.p50Ms)} / ${ms(summary.p95Ms)} / ${ms(summary.p99Ms)} / ${ms(summary.maxMs)}`;
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
}
