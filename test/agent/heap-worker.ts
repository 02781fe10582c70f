/** Worker of heap-tuning.test.ts: what a fleet truck's thread makes of a backlog. */
import { parentPort } from "node:worker_threads";
import { TIGHT_HEAP_FROM_RECORDS, heapForBacklog, heapIsTight } from "../../agent/heap-tuning.js";

heapForBacklog(TIGHT_HEAP_FROM_RECORDS * 10);
parentPort!.postMessage(heapIsTight());
