/**
 * The load cell as the agent sees it: a serial source and the scale driver that decodes (and for
 * SICS polls) the indicator.
 * Samples of the other kind than `scale.weight` (net when the agent uses gross) are recorded only
 * until the configured kind has been seen: an indicator that only ever reports one kind (MT-SICS
 * `S`/`SI` report net) still gets its weights on record, each marked with its own kind.
 */
import { EventEmitter } from "node:events";
import type { AgentConfig } from "../config/schema.js";
import type { WeightSample } from "./contracts.js";
import { ScaleDriver } from "../drivers/scale/scale-driver.js";
import { SerialSource, type SerialGap } from "../drivers/serial/serial-source.js";

type ScaleConfig = NonNullable<AgentConfig["scale"]>;

export class ScaleInput extends EventEmitter<{ gap: [gap: SerialGap] }> {
  readonly source: SerialSource;
  readonly driver: ScaleDriver;
  lastSample: WeightSample | null = null;
  private configuredKindSeen = false;

  constructor(config: ScaleConfig, onSample: (sample: WeightSample) => void) {
    super();
    this.source = new SerialSource({
      name: "scale",
      path: config.path,
      baudRate: config.baudRate,
      silenceTimeoutS: config.silenceTimeoutS,
      reopenMinMs: config.reopenMinMs,
      reopenMaxMs: config.reopenMaxMs,
    });
    this.driver = new ScaleDriver({
      protocol: config.protocol,
      weight: config.weight,
      pollIntervalMs: config.pollIntervalMs,
      sicsCommand: config.sicsCommand,
    });

    this.source.on("data", (chunk) => this.driver.push(chunk));
    this.source.on("gap", (gap) => this.emit("gap", gap));
    this.source.on("state", (state) => {
      if (state === "open") this.driver.attach({ write: (data) => void this.source.write(data) });
      else this.driver.detach();
    });
    this.driver.on("sample", (sample) => {
      if (sample.kind === config.weight) this.configuredKindSeen = true;
      else if (this.configuredKindSeen) return;
      this.lastSample = sample;
      onSample(sample);
    });
  }

  start(): void {
    this.source.start();
    this.driver.start();
  }

  async stop(): Promise<void> {
    this.driver.stop();
    await this.source.stop();
  }
}
