/** Polling waits for tests that watch real devices and timers. */
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/**
 * Resolves once `predicate` is true, checking every `intervalMs`; rejects after `timeoutMs` with
 * `what` in the message, so a timeout says which expectation was not met.
 */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  what = "condition",
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
