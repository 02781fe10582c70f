/**
 * Optional Prometheus metrics (prom-client): `GET /metrics` on `metrics.host:metrics.port`, off
 * unless a port is configured and bound to the loopback unless told otherwise — the gateway sits
 * on a cellular network, and nothing of the agent should answer on it by default.
 *
 * Every value is read from a health snapshot at scrape time, so the endpoint costs nothing
 * between scrapes and can never disagree with `muck-agent status`.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { ageS, type HealthSnapshot } from "./health.js";
import { logger } from "./log.js";

export interface MetricsOptions {
  port: number;
  host: string;
}

export class MetricsServer {
  private readonly registry = new Registry();
  private server: Server | null = null;
  private readonly log = logger("metrics");

  constructor(
    private readonly options: MetricsOptions,
    snapshot: () => HealthSnapshot,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: "muck_agent_" });
    defineMetrics(this.registry, snapshot);
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => void this.answer(request.url, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    server.on("error", (error) => this.log.error({ err: error.message }, "metrics endpoint failed"));
    this.server = server;
    this.log.info({ host: this.options.host, port: this.options.port }, "metrics endpoint listening");
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async answer(url: string | undefined, response: import("node:http").ServerResponse): Promise<void> {
    if (url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    const body = await this.registry.metrics();
    response.writeHead(200, { "content-type": this.registry.contentType }).end(body);
  }
}

type Read = (snapshot: HealthSnapshot, set: (value: number, labels?: Record<string, string>) => void) => void;

function defineMetrics(registry: Registry, snapshot: () => HealthSnapshot): void {
  const gauge = (name: string, help: string, read: Read, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        read(snapshot(), (value, labels) => (labels === undefined ? this.set(value) : this.set(labels, value)));
      },
    });
  // A counter whose value the agent keeps: set on scrape to the agent's own running total.
  const counter = (name: string, help: string, read: (s: HealthSnapshot) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(snapshot()));
      },
    });

  const now = () => Date.now();
  gauge("muck_fix_age_seconds", "Seconds since the last valid GPS fix (absent: none yet).", (s, set) => {
    const age = ageS(s.lastFixAt, now());
    if (age !== null) set(age);
  });
  gauge("muck_scale_sample_age_seconds", "Seconds since the last weight sample (absent: none yet).", (s, set) => {
    const age = ageS(s.lastScaleSampleAt, now());
    if (age !== null) set(age);
  });
  gauge("muck_outbox_depth", "Records waiting in the outbox, by class.", (s, set) => {
    for (const [cls, depth] of Object.entries(s.queue.byClass)) set(depth, { class: cls });
  }, ["class"]);
  gauge("muck_outbox_oldest_record_age_seconds", "Age of the oldest record waiting (absent: none).", (s, set) => {
    const age = ageS(s.queue.oldestRecordAt, now());
    if (age !== null) set(age);
  });
  gauge("muck_uplink_connected", "1 while connected to the broker.", (s, set) => set(s.uplink.connected ? 1 : 0));
  gauge("muck_uplink_last_puback_timestamp_seconds", "Unix time of the last PUBACK (absent: none yet).", (s, set) => {
    if (s.uplink.lastPubackAt !== null) set(Date.parse(s.uplink.lastPubackAt) / 1000);
  });
  counter("muck_uplink_reconnects_total", "Connections made after a lost one.", (s) => s.uplink.reconnects);
  counter("muck_records_acknowledged_total", "Records the broker acknowledged.", (s) => s.uplink.acknowledged);
  counter("muck_gps_sentences_dropped_total", "NMEA sentences the GPS driver dropped.", (s) => s.drops.gpsSentences);
  counter("muck_records_not_accepted_total", "Records the outbox failed to store.", (s) => s.drops.recordsNotAccepted);
  counter("muck_records_thinned_total", "Records thinned to keep the outbox in budget.", (s) =>
    Object.values(s.drops.recordsThinned).reduce((sum, n) => sum + n, 0));
}
