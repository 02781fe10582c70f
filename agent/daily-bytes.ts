/**
 * Bytes sent today, and the daily data cap. A truck's SIM often has a monthly allowance; after a
 * long outage a backlog could spend it in a day. With a cap, positions and weights wait for the
 * next day (UTC) once the day's bytes are spent — events and trips never wait: a cap must never
 * silence an alarm or a manifest.
 */
import type { PriorityClass } from "./outbox.js";

const DEFERRED_WHEN_CAPPED: ReadonlySet<PriorityClass> = new Set<PriorityClass>([2, 3]);
const NOTHING_DEFERRED: ReadonlySet<PriorityClass> = new Set();

const DAY_MS = 86_400_000;

export class DailyBytes {
  /** The UTC day being counted, as [start, end) in ms. */
  private dayStartMs = 0;
  private dayEndMs = 0;
  private bytes = 0;

  constructor(
    private readonly capBytes: number | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one publish: topic and payload bytes (the MQTT header is a few bytes more). */
  count(topic: string, payload: string | Buffer): void {
    this.rollOver();
    this.bytes += Buffer.byteLength(topic) + (typeof payload === "string" ? Buffer.byteLength(payload) : payload.length);
  }

  get today(): number {
    this.rollOver();
    return this.bytes;
  }

  /** Priority classes that must wait now: none, or positions and weights once capped. */
  deferred(): ReadonlySet<PriorityClass> {
    return this.capBytes !== undefined && this.today >= this.capBytes ? DEFERRED_WHEN_CAPPED : NOTHING_DEFERRED;
  }

  /**
   * A new UTC day (or a clock set back into an earlier one) starts the count again. Compared as
   * numbers: this runs for every message, and printing the date each time was a visible share of
   * a drain (benchmark row 5).
   */
  private rollOver(): void {
    const nowMs = this.now().getTime();
    if (nowMs >= this.dayStartMs && nowMs < this.dayEndMs) return;
    this.dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    this.dayEndMs = this.dayStartMs + DAY_MS;
    this.bytes = 0;
  }
}
