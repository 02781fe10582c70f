/**
 * Publishes the agent's health locally: the status file every `status.fileIntervalS`, and the
 * Prometheus endpoint when `metrics.port` is set. Neither may stop the agent: a status file that
 * cannot be written (a full disk) or a metrics port already taken is logged, and recording goes on.
 */
import type { AgentConfig } from "../config/schema.js";
import { writeStatusFile, type HealthSnapshot } from "./health.js";
import { logger } from "./log.js";
import { MetricsServer } from "./metrics.js";

export class HealthReporter {
  private timer: NodeJS.Timeout | null = null;
  private metrics: MetricsServer | null = null;
  private failing = false;
  private readonly log = logger("health");

  constructor(
    private readonly config: Pick<AgentConfig, "dataDir" | "status" | "metrics">,
    private readonly snapshot: () => HealthSnapshot,
  ) {}

  async start(): Promise<void> {
    this.write(this.snapshot());
    this.timer = setInterval(() => this.write(this.snapshot()), this.config.status.fileIntervalS * 1000);

    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const metrics = new MetricsServer({ port, host }, this.snapshot);
    try {
      await metrics.start();
      this.metrics = metrics;
    } catch (error) {
      const err = (error as Error).message;
      this.log.error({ err, host, port }, "metrics endpoint not started; the agent runs on without it");
    }
  }

  /** Stops the timer and the endpoint, and writes the last snapshot (`running: false`). */
  async stop(last: HealthSnapshot): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.metrics?.stop();
    this.metrics = null;
    this.write(last);
  }

  private write(snapshot: HealthSnapshot): void {
    try {
      writeStatusFile(this.config.dataDir, snapshot);
      this.failing = false;
    } catch (error) {
      // Once per failing stretch, not every few seconds.
      if (!this.failing) this.log.warn({ err: (error as Error).message }, "writing the status file failed");
      this.failing = true;
    }
  }
}
