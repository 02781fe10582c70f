/**
 * What ends a long-running simulator command: Ctrl-C (SIGINT), SIGTERM from a service manager,
 * or an optional duration. Handlers are removed after the first signal, so a second Ctrl-C
 * during a slow shutdown falls back to Node's default and ends the process at once.
 */
export type StopReason = "SIGINT" | "SIGTERM" | "duration";

export function waitForStop(durationS?: number): Promise<StopReason> {
  return new Promise((resolve) => {
    const timer =
      durationS === undefined ? null : setTimeout(() => finish("duration"), durationS * 1000);
    const onSignal = (signal: NodeJS.Signals) => finish(signal === "SIGTERM" ? "SIGTERM" : "SIGINT");

    function finish(reason: StopReason): void {
      if (timer !== null) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(reason);
    }

    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
