/**
 * Live only: the GPS receiver has gone quiet. The serial watchdog reports the port lost after
 * `gps.silenceTimeoutS` without a byte (or at once when the device vanishes); this waits until
 * the silence has lasted `detect.gnss.silentS` and then tells the detectors once, so a receiver
 * whose power was pulled raises gnss_fault while it is still dark. In a replay the detectors see
 * the same silence as a jump in the receiver's clock instead.
 */
import type { SerialLoss } from "../drivers/serial/contracts.js";

export class GpsSilenceTimer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly silentS: number,
    private readonly report: (sinceMs: number, atMs: number) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The port was reported lost; `silenceTimeoutS` of quiet went before a `silence` loss. */
  lost(loss: SerialLoss, silenceTimeoutS: number): void {
    this.back();
    const sinceMs = loss.reason === "silence" ? loss.atMs - silenceTimeoutS * 1000 : loss.atMs;
    const waitMs = Math.max(0, sinceMs + this.silentS * 1000 - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.report(sinceMs, this.clock());
    }, waitMs);
  }

  /** Data again (or the agent stops): nothing to report. */
  back(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
