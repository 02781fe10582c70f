/**
 * The platform's side: an mqtt.js subscriber with a persistent session (fixed client id,
 * clean: false, MQTT 5 with a session expiry, QoS 1 on `muck/+/+`) feeding the ReferenceConsumer
 * and the test's Ledger. It subscribes again after every (re)connect and counts the SUBACKs, so
 * a test can wait until the subscription is really in place on a broker that forgot it.
 *
 * The ReferenceConsumer keeps every record in memory; a week-long soak turns it off
 * (`reference: false`) and the Ledger, which keeps only flags and hashes, deduplicates alone.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { AgentRecord } from "../../agent/contracts.js";
import { decodeBatch } from "../../agent/batch.js";
import { ReferenceConsumer } from "../../agent/consumer.js";
import type { Ledger } from "./ledger.js";

export interface LiveStatus {
  online: boolean;
  outbox?: { depth: number; byClass: Record<string, number> };
}

export class FaultSubscriber {
  readonly reference: ReferenceConsumer | null;
  /** Every record message as received, in order (as `consume --save` writes them), when asked for. */
  readonly saved: Array<{ topic: string; payload: string }> | null;
  /** SUBACKs received: one per (re)connect. */
  subscriptions = 0;
  messages = 0;
  /** Messages that carried records (single or batch). */
  recordMessages = 0;
  statusMessages = 0;
  lastStatus: LiveStatus | null = null;
  /** Performance time of the last record message. */
  lastRecordAtMs = 0;
  private client: MqttClient | null = null;

  constructor(
    private readonly ledger: Ledger,
    options: { reference: boolean; save?: boolean },
  ) {
    this.reference = options.reference ? new ReferenceConsumer() : null;
    this.saved = options.save === true ? [] : null;
  }

  async start(url: string, clientId = "muck-fault-consumer"): Promise<void> {
    const client = mqtt.connect(url, {
      clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 24 * 3600 },
      reconnectPeriod: 100,
      connectTimeout: 2000,
      resubscribe: false,
    });
    this.client = client;
    client.on("error", () => undefined);
    client.on("connect", () => {
      client.subscribeAsync("muck/+/+", { qos: 1 }).then(
        () => this.subscriptions++,
        () => undefined,
      );
    });
    client.on("message", (topic, payload) => this.receive(topic, payload));

    const deadline = performance.now() + 10_000;
    while (this.subscriptions === 0) {
      if (performance.now() > deadline) throw new Error(`subscriber: no SUBACK from ${url} in 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async waitSubscribed(count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.subscriptions < count) {
      if (performance.now() > deadline) throw new Error(`subscriber: SUBACK ${count} not seen in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = null;
  }

  private receive(topic: string, payload: Buffer): void {
    this.messages++;
    if (topic.endsWith("/status")) {
      this.lastStatus = JSON.parse(payload.toString("utf8")) as LiveStatus;
      this.statusMessages++;
      return;
    }
    this.reference?.receive({ topic, payload });
    const batch = topic.endsWith("/batch");
    const records: AgentRecord[] = batch ? decodeBatch(payload) : [JSON.parse(payload.toString("utf8")) as AgentRecord];
    this.saved?.push({ topic, payload: payload.toString("base64") });
    // The signature is added at publish; what the agent accepted is the record without it.
    for (const { sig: _sig, ...record } of records) this.ledger.deliver(record);
    this.recordMessages++;
    this.lastRecordAtMs = performance.now();
  }
}
