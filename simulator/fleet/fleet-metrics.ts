/**
 * What the cell link saw, turned into the figures a fleet load tool reports: connections and
 * connects per second, record publishes, PUBACK latency, and — around an outage — when each
 * truck got back on (the reconnect spread the agents' jittered backoff produces).
 * Times are monotonic milliseconds (performance.now()).
 */
import type { CellLink } from "./cell-link.js";
import { LatencyHistogram, type LatencySummary } from "./latency.js";

export interface SpreadSummary {
  trucks: number;
  /** After the restore: the first and the last truck back, and the middle ones. */
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  lastMs: number;
  /** last − first. */
  spreadMs: number;
}

export class FleetMetrics {
  connects = 0;
  published = 0;
  readonly puback = new LatencyHistogram();
  /** Monotonic time of each truck's first connection. */
  readonly firstConnect = new Map<string, number>();
  /** After `markRestore()`: each truck's first connection from then on. */
  readonly backAfterRestore = new Map<string, number>();
  private restoreAtMs: number | null = null;
  /** Connects counted per wall second, for the peak rate. */
  private readonly connectsBySecond = new Map<number, number>();

  watch(link: CellLink): void {
    link.on("connected", (truckId, atMs) => this.connected(truckId, atMs));
    link.on("published", () => this.published++);
    link.on("acked", (_truckId, latencyMs) => this.puback.record(latencyMs));
  }

  markRestore(atMs: number): void {
    this.restoreAtMs = atMs;
    this.backAfterRestore.clear();
  }

  /** Connects per second over the busiest second of the run. */
  peakConnectsPerS(): number {
    return Math.max(0, ...this.connectsBySecond.values());
  }

  /** First connections per second while the fleet came up (first to last truck). */
  rampConnectsPerS(): number | null {
    const times = [...this.firstConnect.values()];
    if (times.length < 2) return null;
    const spanS = (Math.max(...times) - Math.min(...times)) / 1000;
    return spanS > 0 ? round(times.length / spanS) : null;
  }

  reconnectSpread(): SpreadSummary | null {
    if (this.restoreAtMs === null || this.backAfterRestore.size === 0) return null;
    const after = [...this.backAfterRestore.values()].map((atMs) => atMs - this.restoreAtMs!).sort((a, b) => a - b);
    const at = (q: number) => round(after[Math.min(after.length - 1, Math.floor(q * after.length))]!);
    return {
      trucks: after.length,
      firstMs: round(after[0]!),
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      lastMs: round(after[after.length - 1]!),
      spreadMs: round(after[after.length - 1]! - after[0]!),
    };
  }

  pubackSummary(): LatencySummary {
    return this.puback.summary();
  }

  private connected(truckId: string, atMs: number): void {
    this.connects++;
    const second = Math.floor(atMs / 1000);
    this.connectsBySecond.set(second, (this.connectsBySecond.get(second) ?? 0) + 1);
    if (!this.firstConnect.has(truckId)) this.firstConnect.set(truckId, atMs);
    if (this.restoreAtMs !== null && atMs >= this.restoreAtMs && !this.backAfterRestore.has(truckId)) {
      this.backAfterRestore.set(truckId, atMs);
    }
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
