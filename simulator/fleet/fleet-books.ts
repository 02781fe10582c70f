/**
 * The fleet's books: per truck, the sequence numbers its agent accepted (reported by its worker
 * after the synced write) and those the consumer received. A record accepted and never received
 * is lost; one received twice is a duplicate (QoS 1 allows them; the consumer drops them by id).
 *
 * For the outage it keeps the records accepted before the network came back and not yet
 * received: the fleet has recovered when that backlog is empty and every truck is connected.
 */
export interface TruckBooks {
  accepted: Set<number>;
  delivered: Set<number>;
  duplicates: number;
  /** Still in the truck's outbox when it stopped: not received yet, not lost. */
  queued: Set<number>;
  /** Accepted before the restore and not received yet; null outside a recovery. */
  backlog: Set<number> | null;
}

export interface BooksTotals {
  accepted: number;
  delivered: number;
  /** Accepted, never received, and no longer in the truck's outbox: the broker had acknowledged it. */
  lost: number;
  /** Accepted, not received, still in the outbox when the truck stopped (the drain timed out). */
  queued: number;
  duplicates: number;
  /** Received records no truck of this fleet accepted (another run's session on the broker). */
  foreign: number;
}

export class FleetBooks {
  readonly trucks = new Map<string, TruckBooks>();
  foreign = 0;
  private frozen = false;
  /** Accepted and not received, kept as a count: the drain asks ten times a second. */
  private pending = 0;

  add(truckId: string): void {
    this.trucks.set(truckId, { accepted: new Set(), delivered: new Set(), duplicates: 0, queued: new Set(), backlog: null });
  }

  accept(truckId: string, seq: number): void {
    const truck = this.trucks.get(truckId);
    if (this.frozen || truck === undefined || truck.accepted.has(seq)) return;
    truck.accepted.add(seq);
    if (!truck.delivered.has(seq)) this.pending++;
  }

  /**
   * Closes the accepted side at the end of the drain: records the agents make while stopping
   * (the last epoch flushed) stay in their outboxes for the next start and are not judged.
   */
  freeze(): void {
    this.frozen = true;
  }

  deliver(truckId: string, seq: number): void {
    const truck = this.trucks.get(truckId);
    if (truck === undefined) {
      this.foreign++;
      return;
    }
    if (truck.delivered.has(seq)) truck.duplicates++;
    else if (truck.accepted.has(seq)) this.pending--;
    truck.delivered.add(seq);
    truck.backlog?.delete(seq);
  }

  /** What a stopped truck left in its outbox. */
  queue(truckId: string, seqs: number[]): void {
    const truck = this.trucks.get(truckId);
    for (const seq of seqs) truck?.queued.add(seq);
  }

  /** At the restore: what each truck accepted and the consumer has not seen yet. */
  openBacklog(): void {
    for (const truck of this.trucks.values()) {
      truck.backlog = new Set([...truck.accepted].filter((seq) => !truck.delivered.has(seq)));
    }
  }

  backlogLeft(): number {
    let left = 0;
    for (const truck of this.trucks.values()) left += truck.backlog?.size ?? 0;
    return left;
  }

  /** Accepted records the consumer has not received yet (all of them lost, once the drain is over). */
  undelivered(): number {
    return this.pending;
  }

  /**
   * Totals over records accepted so far; received records accepted later are not counted. Until
   * the trucks have stopped and said what they left queued, everything not received counts as lost.
   */
  totals(): BooksTotals {
    const totals: BooksTotals = { accepted: 0, delivered: 0, lost: 0, queued: 0, duplicates: 0, foreign: this.foreign };
    for (const truck of this.trucks.values()) {
      totals.accepted += truck.accepted.size;
      totals.duplicates += truck.duplicates;
      for (const seq of truck.accepted) {
        if (truck.delivered.has(seq)) totals.delivered++;
        else if (truck.queued.has(seq)) totals.queued++;
        else totals.lost++;
      }
    }
    return totals;
  }

  /** Trucks that lost records, with up to five of their missing sequence numbers. */
  lossesByTruck(): Record<string, number[]> {
    const losses: Record<string, number[]> = {};
    for (const [truckId, truck] of this.trucks) {
      const missing = [...truck.accepted].filter((seq) => !truck.delivered.has(seq) && !truck.queued.has(seq));
      if (missing.length > 0) losses[truckId] = missing.slice(0, 5);
    }
    return losses;
  }
}
