/** What the fleet and a truck's worker thread say to each other. */
export type ToTruck = { type: "stopDriving" } | { type: "stop" };

export type FromTruck =
  | { type: "started" }
  | { type: "accepted"; seq: number }
  /** Stopped cleanly; `queued`: sequence numbers still in the outbox (sent at the next start). */
  | { type: "stopped"; queued: number[] }
  | { type: "failed"; error: string };
