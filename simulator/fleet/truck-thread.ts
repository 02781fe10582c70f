/**
 * Starts a truck's worker thread. Run from the sources (`node --import tsx …`), a worker does not
 * inherit tsx's loader on Node 20, so it is booted through a line that registers tsx first; run
 * from the build, the compiled worker file is loaded directly.
 */
import { Worker } from "node:worker_threads";

export function startTruckThread(workerData: unknown): Worker {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return new Worker(new URL("./truck-worker.js", self), { workerData });

  const tsx = import.meta.resolve("tsx/esm/api");
  const target = new URL("./truck-worker.ts", self).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
