/**
 * How far V8 lets the old generation grow between full collections.
 *
 * By default V8 sets the next full collection at up to four times the heap that survived the
 * last one. A backlog drains at tens of thousands of records a second, and records in flight
 * live long enough (a window of 32 batches of 200 is ~150 ms) to be promoted to the old
 * generation before they die: with the default growth the heap went from 25 to 90-125 MB in
 * five seconds of draining a million-record backlog, all of it garbage a collection would free
 * (benchmark row 6). A gateway has 256-512 MB for everything, so the agent asks V8 to collect
 * once the heap has grown by 30 % instead: the same drain peaked at 66 MB of heap, for about
 * 5 % more CPU on the 10 Hz input path (row 2, three alternating pairs: 1.29 vs 1.23 CPU s an hour).
 *
 * V8 reads the flag each time it sets the next limit, so setting it at start is enough.
 */
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 30;

/** Applies the agent's heap settings to this process; the `run` command calls it first. */
export function tuneHeapForGateway(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
