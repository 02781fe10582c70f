/**
 * Child of heap-tuning.test.ts: the drain's pattern of garbage in miniature. Records live in a
 * window long enough to be promoted to V8's old generation, then die. Prints the largest heap
 * seen, in bytes, with the agent's heap settings (argv[2] = "tuned") or V8's defaults.
 */
import { getHeapStatistics } from "node:v8";
import { TIGHT_HEAP_FROM_RECORDS, heapForBacklog } from "../../agent/heap-tuning.js";

// As the uplink does while a backlog drains.
if (process.argv[2] === "tuned") heapForBacklog(TIGHT_HEAP_FROM_RECORDS);

// 100,000 records in flight: about 20 MB live, each promoted before it dies.
const WINDOW = 100_000;
const window = new Array<{ id: string; seq: number; body: string } | undefined>(WINDOW);
let largest = 0;
for (let seq = 0; seq < 3_000_000; seq++) {
  window[seq % WINDOW] = { id: `TRUCK-${seq}`, seq, body: JSON.stringify({ seq, lat: 31 + seq / 1e7, lon: 121 + seq / 1e7, speed: seq % 90 }) };
  if (seq % 5000 === 0) largest = Math.max(largest, getHeapStatistics().used_heap_size);
}
process.stdout.write(`${largest}\n`);
