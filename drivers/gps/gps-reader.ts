/**
 * The live GPS driver: bytes from a serial source, framed into lines (the line guard, then
 * @serialport/parser-readline — the same framing `replay` uses), into the decoder; and an idle
 * timer that closes the epoch once the receiver's burst for that instant is over (`epochIdleMs`
 * without a line). Without it a fix would wait for the first sentence of the next second.
 */
import { EventEmitter } from "node:events";
import type { Fix } from "../../agent/contracts.js";
import type { AntennaReport } from "./antenna.js";
import { gpsLineParser } from "./capture.js";
import { GpsDecoder, type GpsStats } from "./gps-decoder.js";
import { LineGuard } from "./line-guard.js";

export interface ByteSource {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  off(event: "data", listener: (chunk: Buffer) => void): unknown;
}

export class GpsReader extends EventEmitter<{ fix: [fix: Fix]; antenna: [report: AntennaReport] }> {
  private readonly decoder: GpsDecoder;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly guard = new LineGuard();
  private readonly onData = (chunk: Buffer) => this.guard.write(chunk);

  constructor(
    private readonly source: ByteSource,
    private readonly epochIdleMs: number,
    clock: () => number = Date.now,
  ) {
    super();
    this.decoder = new GpsDecoder(
      (fix) => this.emit("fix", fix),
      clock,
      (report) => this.emit("antenna", report),
    );
    this.guard.pipe(gpsLineParser()).on("data", (line: string) => this.push(line));
    source.on("data", this.onData);
  }

  stats(): GpsStats {
    return this.decoder.stats();
  }

  /** Detaches from the source and emits the open epoch, if any. */
  close(): void {
    this.source.off("data", this.onData);
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.decoder.flush();
  }

  private push(line: string): void {
    this.decoder.pushLine(line);

    if (!this.decoder.hasOpenEpoch) return;
    // One timer, re-armed per line: a 10 Hz receiver sends ~80 lines a second.
    if (this.idleTimer === null) this.idleTimer = setTimeout(() => this.decoder.flush(), this.epochIdleMs);
    else this.idleTimer.refresh();
  }
}
