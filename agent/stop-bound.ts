/**
 * A stop that always ends. The agent's stop is bounded step by step (the uplink's grace, the
 * group commit), but closing a serial port on a wedged USB adapter can block in the kernel, and a
 * handle left open would keep Node running after the store closed. Past the bound the process
 * exits anyway: nothing is lost, since every accepted record was synced when it was accepted; the
 * supervisor sees exit 1 and the log says which bound was hit.
 */
import { logger } from "./log.js";

/** Below systemd's TimeoutStopSec (30 s in the shipped unit), so the agent's own word is logged. */
export const STOP_BOUND_MS = 20_000;
/** After a clean stop, how long leftover handles may keep the process alive. */
const LINGER_MS = 3_000;

export async function stopWithin(
  agent: { stop(): Promise<void> },
  boundMs = STOP_BOUND_MS,
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<void> {
  const log = logger("agent");
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<"overdue">((resolve) => {
    timer = setTimeout(() => resolve("overdue"), boundMs);
  });
  const outcome = await Promise.race([agent.stop().then(() => "stopped" as const), overdue]);
  clearTimeout(timer);

  if (outcome === "overdue") {
    log.error({ boundMs }, "stop did not finish in time; exiting without it (accepted records are already synced)");
    exit(1);
    return;
  }
  setTimeout(() => {
    log.warn({ lingerMs: LINGER_MS }, "handles still open after the stop; exiting");
    exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
  }, LINGER_MS).unref();
}
