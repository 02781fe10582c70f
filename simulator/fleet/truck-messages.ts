/** What the fleet and a truck's worker thread say to each other. */
export type ToTruck = { type: "stopDriving" } | { type: "stop" };

export type FromTruck =
  | { type: "started" }
  | { type: "accepted"; seq: number }
  | { type: "stopped" }
  | { type: "failed"; error: string };
