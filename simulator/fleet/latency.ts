/**
 * A latency distribution in milliseconds (HdrHistogram, 3 significant digits, values kept in
 * microseconds so sub-millisecond PUBACKs on a loopback do not all round to 0 or 1).
 */
import * as hdr from "hdr-histogram-js";

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

const US_PER_MS = 1000;
/** An hour: anything later is an error of the clock, not a latency. */
const HIGHEST_US = 3_600_000 * US_PER_MS;

export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });

  record(latencyMs: number): void {
    // A record stamped by a clock a little ahead of the consumer's counts as no delay at all.
    const us = Math.round(Math.min(HIGHEST_US, Math.max(0, latencyMs * US_PER_MS)));
    this.histogram.recordValue(us);
  }

  summary(): LatencySummary {
    const at = (percentile: number) => round(this.histogram.getValueAtPercentile(percentile) / US_PER_MS);
    return {
      count: this.histogram.totalCount,
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs: round(this.histogram.maxValue / US_PER_MS),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
