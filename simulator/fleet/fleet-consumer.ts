/**
 * The platform's side of a fleet run: one MQTT subscriber on `<prefix>/+/+`, QoS 1, a persistent
 * session of its own, connected straight to the broker (never through the cell link: the outage
 * is the trucks', not the platform's). Each record goes to the books by truck and sequence, and
 * its end-to-end latency — from the agent's receive time (`receivedAt`, the same machine's clock)
 * to its arrival here — to the histogram.
 */
import mqtt, { type MqttClient } from "mqtt";

import { decodeBatch } from "../../agent/batch.js";
import type { AgentRecord } from "../../agent/contracts.js";
import type { FleetBooks } from "./fleet-books.js";
import type { LatencyHistogram } from "./latency.js";

export interface FleetConsumerOptions {
  url: string;
  topicPrefix: string;
  protocolVersion: 4 | 5;
  clientId: string;
}

export class FleetConsumer {
  messages = 0;
  private client: MqttClient | null = null;

  constructor(
    private readonly books: FleetBooks,
    private readonly endToEnd: LatencyHistogram,
  ) {}

  async start(options: FleetConsumerOptions): Promise<void> {
    const client = mqtt.connect(options.url, {
      clientId: options.clientId,
      protocolVersion: options.protocolVersion,
      clean: false,
      reconnectPeriod: 500,
      connectTimeout: 10_000,
      ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
    });
    this.client = client;
    client.on("message", (topic, payload) => this.receive(topic, payload));
    client.on("error", () => undefined);

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumer: no connection to ${options.url} in 10 s`)), 10_000);
      client.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.subscribeAsync(`${options.topicPrefix}/+/+`, { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined);
    this.client = null;
  }

  private receive(topic: string, payload: Buffer): void {
    this.messages++;
    if (topic.endsWith("/status")) return;

    const records: AgentRecord[] = topic.endsWith("/batch")
      ? decodeBatch(payload)
      : [JSON.parse(payload.toString("utf8")) as AgentRecord];
    const nowMs = Date.now();
    for (const record of records) {
      this.books.deliver(record.truckId, record.seq);
      this.endToEnd.record(nowMs - Date.parse(record.receivedAt));
    }
  }
}
