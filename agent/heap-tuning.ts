/**
 * How far V8 lets the old generation grow between full collections, while a backlog drains.
 *
 * By default V8 sets the next full collection at up to four times the heap that survived the
 * last one. A backlog drains at tens of thousands of records a second, and records in flight
 * live long enough (a window of 32 batches of 200 is ~150 ms) to be promoted to the old
 * generation before they die: with the default growth the heap went from 25 to 90-125 MB in
 * five seconds of draining a million-record backlog, all of it garbage a collection would free
 * (benchmark row 6). A gateway has 256-512 MB for everything, so while the outbox holds a
 * backlog and the uplink drains it, the agent asks V8 to collect once the heap has grown by 30 %:
 * the same drain peaked at 66 MB of heap.
 *
 * Only then: on the 10 Hz input path, where little is promoted, the tight setting cost about 6 %
 * more CPU (row 2, three alternating pairs: 1.33 vs 1.25 CPU s an hour) and saved nothing worth
 * it, so with no backlog V8 keeps its own heuristics. V8 reads the flag each time it sets the
 * next limit, so switching it at run time takes effect at the next full collection. The flag is
 * the process's, so only an agent that has the process to itself (its main thread) sets it: in
 * the simulator's fleet, trucks are worker threads of one process, and one truck ending its
 * drain would loosen the heap under another still draining (a trial saw 132 MB instead of 65).
 */
import { setFlagsFromString } from "node:v8";
import { isMainThread } from "node:worker_threads";

const HEAP_GROWING_PERCENT = 30;
/** Records waiting from which a drain keeps the heap tight; it lets go below half of it. */
export const TIGHT_HEAP_FROM_RECORDS = 10_000;

let tight = false;

/** Called by the uplink as it drains, with the records still waiting. Cheap when nothing changes. */
export function heapForBacklog(waiting: number): void {
  if (!isMainThread) return;
  const wanted = tight ? waiting > TIGHT_HEAP_FROM_RECORDS / 2 : waiting >= TIGHT_HEAP_FROM_RECORDS;
  if (wanted === tight) return;

  tight = wanted;
  // 0 is V8's default: its own growth heuristics.
  setFlagsFromString(`--heap-growing-percent=${tight ? HEAP_GROWING_PERCENT : 0}`);
}

/** Whether the heap is held tight now (the tests ask). */
export function heapIsTight(): boolean {
  return tight;
}
