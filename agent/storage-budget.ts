/**
 * Keeps the outbox inside its byte budget (`outbox.maxBytes`). Flash on a gateway is small, and a
 * truck out of coverage for a week must not fill it and stop recording.
 *
 * When the store is over budget: thin the oldest positions first (keep every 2nd of the oldest
 * chunk; repeated passes thin old data further, so the track decays from its oldest end), then
 * weights. Events and trips are never thinned while positions or weights remain; when only they
 * are left the store grows past the budget and says so, since an alarm is worth more than the
 * budget. Every pass is reported (`onThinned`), so the consumer sees an accounted gap, not a hole.
 *
 * The default budget (512 MiB) holds well over 168 hours of 1 Hz positions — what the trip
 * recorder standard GB/T 19056 keeps; the README gives the measured bytes per position.
 */
import { logger } from "./log.js";
import type { Outbox, OutboxOptions, PriorityClass, ThinPass } from "./outbox.js";

export interface StorageBudgetOptions {
  maxBytes: number;
  /** How often to measure the store while records arrive, ms. */
  checkIntervalMs?: number;
  /** Records looked at per thinning pass. */
  chunk?: number;
}

/** Which classes may be thinned, in order: positions, then weights. */
const THINNABLE: PriorityClass[] = [2, 3];
const KEEP_EVERY = 2;
const MAX_PASSES = 50;
/**
 * Besides the timer, the store is measured again once this share of the budget has been written
 * since the last measurement: a drive replayed fast, or a burst after a long stall, would
 * otherwise overshoot the budget by whatever arrives in one timer period.
 */
const WRITTEN_SHARE_PER_CHECK = 1 / 8;

const MIB = 1024 * 1024;

/**
 * LevelDB's write buffer: 1 MiB, whatever the budget. It bounds the memtable (memory) and the
 * write-ahead log (disk the budget leaves room for). LevelDB's default of 4 MiB costs memory and
 * gains nothing measurable here (benchmark row 4, alternated in one process: bare `level` wrote
 * 46-52k records/s with 4 MiB and 46-57k with 1 MiB); a smaller one for the smallest budgets
 * (256 KiB for 4 MiB, tried on 2026-12-04) flushed so many small tables that the soak once saw a
 * compaction peak of 16 MB against its 13 MB bound, and was taken back.
 */
export const WRITE_BUFFER_BYTES = MIB;

/** The outbox's open options for its configuration section: the runtime's and the benchmark's. */
export function outboxOptionsFor(outbox: { syncIntervalMs: number }): OutboxOptions {
  return { syncIntervalMs: outbox.syncIntervalMs, writeBufferBytes: WRITE_BUFFER_BYTES };
}

export class StorageBudget {
  private timer: NodeJS.Timeout | null = null;
  private enforcing: Promise<void> | null = null;
  private warnedFull = false;
  private readonly log = logger("outbox");
  private readonly thinnedByKind: Record<string, number> = {};
  private writtenAtCheck = 0;
  private readonly onDurable = () => {
    if (this.outbox.bytesWritten - this.writtenAtCheck >= this.options.maxBytes * WRITTEN_SHARE_PER_CHECK) void this.enforce();
  };

  constructor(
    private readonly outbox: Outbox,
    private readonly options: StorageBudgetOptions,
    private readonly inFlight: () => ReadonlySet<number>,
    private readonly onThinned: (pass: ThinPass) => void,
  ) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.enforce(), this.options.checkIntervalMs ?? 10_000);
    this.timer.unref();
    this.outbox.on("durable", this.onDurable);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.outbox.off("durable", this.onDurable);
  }

  /** Records removed by thinning since start, by kind. */
  thinned(): Record<string, number> {
    return { ...this.thinnedByKind };
  }

  /** Measures the store and thins until it fits (or nothing thinnable is left). */
  enforce(): Promise<void> {
    this.writtenAtCheck = this.outbox.bytesWritten;
    this.enforcing ??= this.thinUntilInBudget()
      .catch((error: Error) => this.log.error({ err: error.message }, "enforcing the outbox budget failed; trying again later"))
      .finally(() => (this.enforcing = null));
    return this.enforcing;
  }

  private async thinUntilInBudget(): Promise<void> {
    for (let pass = 0; pass < MAX_PASSES && this.outbox.diskBytes() > this.options.maxBytes; pass++) {
      const thinned = await this.thinOnce();
      if (thinned === null) {
        this.warnFullOnce();
        return;
      }
      this.thinnedByKind[thinned.kind] = (this.thinnedByKind[thinned.kind] ?? 0) + thinned.removed;
      this.log.warn({ ...thinned, diskBytes: this.outbox.diskBytes(), maxBytes: this.options.maxBytes }, "outbox over budget: thinned oldest records");
      this.onThinned(thinned);
    }
    this.warnedFull = false;
  }

  private async thinOnce(): Promise<ThinPass | null> {
    for (const cls of THINNABLE) {
      // A tenth of the class at a time: big stores shrink in a few passes, small ones gently.
      const chunk = Math.max(this.options.chunk ?? 2000, Math.ceil(this.outbox.depthOf(cls) / 10));
      const pass = await this.outbox.thinOldest(cls, chunk, KEEP_EVERY, this.inFlight());
      if (pass !== null) return pass;
    }
    return null;
  }

  private warnFullOnce(): void {
    if (this.warnedFull) return;
    this.warnedFull = true;
    this.log.error({ diskBytes: this.outbox.diskBytes(), maxBytes: this.options.maxBytes }, "outbox over budget with only events and trips left: keeping them all");
  }
}
