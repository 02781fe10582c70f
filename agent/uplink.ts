/**
 * The uplink: publishes the outbox to the MQTT broker, QoS 1, in sequence order, and deletes a
 * record from the outbox only on that record's own PUBACK.
 *
 * - mqtt.js's own queue is in memory and is not the durable copy. The agent never relies on it:
 *   after any disconnect, everything not yet acknowledged is read again from the outbox.
 * - Reconnection is driven here, not by mqtt.js (`reconnectPeriod: 0`): its reconnect is a fixed
 *   interval, which on a fleet means hundreds of trucks reconnecting in lockstep after a cell
 *   outage. Here: exponential backoff with ±25 % jitter, and a long wait when the broker says it
 *   is busy or over quota.
 * - A bounded window of `maxInFlight` publishes awaits PUBACK at a time: throughput without one
 *   round trip per record, and never near the 65,535 packet identifiers MQTT has.
 * - Topics: `<prefix>/<truckId>/<kind>`. A retained `<prefix>/<truckId>/status` says online; the
 *   last will says offline (delayed under MQTT 5 by `willDelayS`, so a cell handover does not flap it).
 * - Control topics (the config bundles, agent/ota/): subscribed QoS 1 on every connect, in the
 *   same persistent session; their messages go to `control.onMessage`. Replies (acks) are state,
 *   not records: the latest per topic is published retained, and again after a reconnect if its
 *   PUBACK never came.
 */
import { EventEmitter } from "node:events";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { AgentRecord } from "./contracts.js";
import { logger } from "./log.js";
import { DailyBytes } from "./daily-bytes.js";
import { Drain, type BackfillOptions, type OutgoingMessage } from "./drain.js";
import type { Signer } from "./trail/identity.js";
import type { Outbox } from "./outbox.js";
import { heapForBacklog } from "./heap-tuning.js";
import { reopenDelayMs } from "../drivers/serial/backoff.js";
import { loadUplinkSecrets, urlForLog, type SecretSources, type UplinkSecrets } from "./uplink-secrets.js";

export interface UplinkOptions extends SecretSources {
  url: string;
  protocolVersion: 4 | 5;
  truckId: string;
  topicPrefix: string;
  keepaliveS: number;
  username?: string | undefined;
  connectTimeoutS: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  busyBackoffMs: number;
  sessionExpiryS: number;
  willDelayS: number;
  maxInFlight: number;
  /** No PUBACK for this long on the oldest publish: the link is half-open; reconnect. */
  pubackTimeoutS: number;
  /** Batched backfill while a backlog drains; absent: every record alone. */
  backfill?: BackfillOptions;
  /** Signs what is published (agent/trail/identity.ts); absent: records go unsigned. */
  signer?: Signer | null;
  /** How often the retained live status is refreshed while connected, s. */
  statusIntervalS?: number;
  /** Bytes a day (UTC) after which positions and weights wait for the next day; events never do. */
  dailyCapBytes?: number | undefined;
  /** What the agent adds to its live status (queue, devices, …). */
  status?: () => Record<string, unknown>;
  /** Topics to subscribe to (QoS 1) and where their messages go. */
  control?: ControlSubscription;
}

export interface ControlSubscription {
  topics: string[];
  onMessage: (topic: string, payload: Buffer) => void;
}

export interface UplinkStats {
  connected: boolean;
  /** Messages awaiting PUBACK (a batch counts once). */
  inFlight: number;
  /** Messages published, batches included. */
  published: number;
  /** Records acknowledged (every record of a batch counts). */
  acknowledged: number;
  batches: number;
  connects: number;
  /** Connections ended because PUBACKs stopped coming. */
  halfOpen: number;
  /** Topic and payload bytes published since UTC midnight. */
  bytesToday: number;
  /** The daily cap is reached: positions and weights wait. */
  capped: boolean;
  reconnects: number;
  lastPubackAt: string | null;
}

/** CONNACK codes that mean "come back later", not "you are wrong": 3.1.1 code 3, MQTT 5 0x89/0x97/0x9F. */
const BUSY_CODES = new Set([3, 0x89, 0x97, 0x9f]);
const NO_BATCHING: BackfillOptions = { minBacklog: 0, maxRecords: 1, maxBytes: 0 };

export function recordTopic(prefix: string, truckId: string, kind: string): string {
  return `${prefix}/${truckId}/${kind}`;
}

/** What a PUBACK needs of a record: which one it was. */
export type SentRecord = Pick<AgentRecord, "id" | "seq" | "kind">;

interface InFlight {
  /**
   * Only id, seq and kind, not the records: a backlog drains at tens of thousands of records a
   * second, and whole records held until their PUBACK outlived the young generation, so V8
   * promoted them and the old generation grew by tens of megabytes between its collections
   * (benchmark row 6).
   */
  records: SentRecord[];
  sentAtMs: number;
}

export class Uplink extends EventEmitter<{ acked: [records: SentRecord[]]; connected: []; disconnected: [reason: string] }> {
  private client: MqttClient | null = null;
  private connected = false;
  private stopped = true;
  private attempt = 0;
  private busy = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  /** Messages awaiting PUBACK, by a local message number. */
  private readonly inFlight = new Map<number, InFlight>();
  /** Sequence numbers of every record in flight, so a re-read never sends one twice at once. */
  private readonly inFlightRecordSeqs = new Set<number>();
  private messageNumber = 0;
  private readonly drain: Drain;
  private pumping = false;
  private pumpAgain = false;
  private counters = { published: 0, acknowledged: 0, batches: 0, connects: 0, reconnects: 0, halfOpen: 0 };
  private readonly bytes: DailyBytes;
  private statusTimer: NodeJS.Timeout | null = null;
  private pubackTimer: NodeJS.Timeout | null = null;
  private lastPubackMono = 0;
  private lastPubackAt: string | null = null;
  /** Retained control replies not yet acknowledged by the broker, latest per topic. */
  private readonly replies = new Map<string, string>();
  private readonly log = logger("uplink");
  private readonly urlForLog: string;
  /** The last secrets read without error: a rotation half done at reconnect keeps the old ones. */
  private secrets: UplinkSecrets;
  private readonly onDurable = () => void this.pump();
  /** Records were put back below the cursor (a salvaged store): read from the start again. */
  private readonly onRewind = () => {
    this.drain.restart();
    void this.pump();
  };

  constructor(
    private readonly outbox: Outbox,
    private readonly options: UplinkOptions,
  ) {
    super();
    this.drain = new Drain(outbox, options.backfill ?? NO_BATCHING, options.signer ?? null);
    this.bytes = new DailyBytes(options.dailyCapBytes);
    this.urlForLog = urlForLog(options.url);
    // Read now, so a missing or exposed key stops the agent at start with its path named.
    this.secrets = loadUplinkSecrets(options);
    if (isPlainRemote(options.url)) {
      this.log.warn({ url: this.urlForLog }, "plain mqtt:// to a remote broker: records and credentials travel unencrypted; use mqtts://");
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.outbox.on("durable", this.onDurable);
    this.outbox.on("rewind", this.onRewind);
    this.connect();
  }

  /** Publishes the offline status, waits briefly for in-flight PUBACKs, disconnects cleanly. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.outbox.off("durable", this.onDurable);
    this.outbox.off("rewind", this.onRewind);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.pubackTimer !== null) clearInterval(this.pubackTimer);
    this.pubackTimer = null;
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    this.statusTimer = null;

    const client = this.client;
    this.client = null;
    if (client === null) return;

    if (this.connected) {
      await this.waitForInFlight(graceMs);
      // Bounded: on a half-open link the PUBACK never comes, and a stop must not hang on it.
      await withTimeout(publishAsync(client, this.statusTopic, this.statusPayload(false), { qos: 1, retain: true }), graceMs).catch(() => undefined);
    }
    this.connected = false;
    await withTimeout(client.endAsync(false), graceMs).catch(() => client.end(true));
  }

  /**
   * Publishes a retained reply (QoS 1) now, or on the next connection: only the latest per
   * topic matters, so a newer reply replaces one still waiting.
   */
  publishRetained(topic: string, payload: string): void {
    this.replies.set(topic, payload);
    if (this.client !== null && this.connected) this.sendReply(this.client, topic, payload);
  }

  private sendReply(client: MqttClient, topic: string, payload: string): void {
    this.bytes.count(topic, payload);
    client.publish(topic, payload, { qos: 1, retain: true }, (error) => {
      if (!error && this.replies.get(topic) === payload) this.replies.delete(topic);
    });
  }

  private subscribeControl(client: MqttClient): void {
    const control = this.options.control;
    if (control === undefined || control.topics.length === 0) return;

    client.subscribe(control.topics, { qos: 1 }, (error, granted) => {
      const refused = (granted ?? []).filter((grant) => grant.qos === 128).map((grant) => grant.topic);
      if (error) this.log.warn({ err: error.message, topics: control.topics }, "subscribing to the control topics failed");
      else if (refused.length > 0) this.log.warn({ topics: refused }, "the broker refused the control topics (check its ACL)");
      else this.log.debug({ topics: control.topics }, "control topics subscribed");
    });
  }

  /** Sequence numbers of the records awaiting PUBACK: not to be thinned away under them. */
  inFlightSeqs(): ReadonlySet<number> {
    return this.inFlightRecordSeqs;
  }

  stats(): UplinkStats {
    return { connected: this.connected, inFlight: this.inFlight.size, ...this.counters, bytesToday: this.bytes.today, capped: this.bytes.deferred().size > 0, lastPubackAt: this.lastPubackAt };
  }

  private get statusTopic(): string {
    return recordTopic(this.options.topicPrefix, this.options.truckId, "status");
  }

  /** The live status: built fresh each time, never taken from the backlog. */
  private statusPayload(online: boolean): string {
    const extra = online ? (this.options.status?.() ?? {}) : {};
    return JSON.stringify({ truckId: this.options.truckId, online, at: new Date().toISOString(), ...extra, uplink: online ? this.stats() : undefined });
  }

  private publishStatus(): void {
    if (this.client === null || !this.connected) return;
    const payload = this.statusPayload(true);
    this.bytes.count(this.statusTopic, payload);
    this.client.publish(this.statusTopic, payload, { qos: 1, retain: true });
    // A new day lifts the data cap: records held back resume within one status interval.
    void this.pump();
  }

  private connect(): void {
    const o = this.options;
    const mqtt5 = o.protocolVersion === 5;
    const clientOptions: IClientOptions = {
      clientId: o.truckId,
      protocolVersion: o.protocolVersion,
      clean: false,
      keepalive: o.keepaliveS,
      connectTimeout: o.connectTimeoutS * 1000,
      reconnectPeriod: 0,
      username: o.username,
      ...this.freshSecrets(),
      // Always: the broker's certificate must chain to the CA and name the host of the URL.
      rejectUnauthorized: true,
      properties: mqtt5 ? { sessionExpiryInterval: o.sessionExpiryS } : undefined,
      will: {
        topic: this.statusTopic,
        payload: Buffer.from(this.statusPayload(false)),
        qos: 1,
        retain: true,
        properties: mqtt5 ? { willDelayInterval: o.willDelayS } : undefined,
      },
    };

    const client = mqtt.connect(o.url, clientOptions);
    this.client = client;
    this.busy = false;
    // Before CONNACK: a persistent session may deliver what queued while the truck was away at once.
    const control = o.control;
    if (control !== undefined) {
      client.on("message", (topic, payload) => {
        if (client === this.client) control.onMessage(topic, payload);
      });
    }
    client.on("connect", () => this.onConnect(client));
    client.on("error", (error) => this.onError(client, error));
    client.on("close", () => this.onClose(client));
  }

  /** The secrets as the files hold them now (a rotation takes effect here), else the last good ones. */
  private freshSecrets(): UplinkSecrets {
    try {
      this.secrets = loadUplinkSecrets(this.options);
    } catch (error) {
      this.log.error({ err: (error as Error).message }, "reading the broker credentials failed; using the previous ones");
    }
    return this.secrets;
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;

    this.connected = true;
    this.counters.connects++;
    if (this.attempt > 0) this.counters.reconnects++;
    this.attempt = 0;
    // Everything unacknowledged is read again from the outbox, oldest first.
    this.clearInFlight();
    this.drain.restart();
    this.log.info({ url: this.urlForLog, depth: this.outbox.depth }, "connected to broker");
    this.publishStatus();
    this.subscribeControl(client);
    for (const [topic, payload] of this.replies) this.sendReply(client, topic, payload);
    this.statusTimer ??= setInterval(() => this.publishStatus(), (this.options.statusIntervalS ?? 60) * 1000);
    this.emit("connected");
    void this.pump();
  }

  private onError(client: MqttClient, error: Error & { code?: unknown }): void {
    if (client !== this.client) return;
    if (typeof error.code === "number" && BUSY_CODES.has(error.code)) this.busy = true;
    // The first failure of an outage is what an installer needs to see (a TLS or credentials
    // problem shows here); the retries after it would only flood the log.
    const level = this.attempt === 0 ? "warn" : "debug";
    this.log[level]({ url: this.urlForLog, err: error.message, code: error.code }, "broker connection failed");
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client || this.stopped) return;

    if (this.connected) {
      this.log.warn({ url: this.urlForLog, inFlight: this.inFlight.size, depth: this.outbox.depth }, "broker connection lost");
      this.emit("disconnected", "closed");
    }
    this.connected = false;
    this.clearInFlight();
    this.client = null;
    client.removeAllListeners();
    client.on("error", () => undefined);
    client.end(true);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const o = this.options;
    const delayMs = this.busy
      ? reopenDelayMs(0, o.busyBackoffMs, o.busyBackoffMs * 1.25)
      : reopenDelayMs(this.attempt, o.reconnectMinMs, o.reconnectMaxMs);
    this.attempt++;
    this.log.debug({ delayMs, attempt: this.attempt, busy: this.busy }, "reconnecting later");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delayMs);
  }

  /** Fills the in-flight window from the outbox, in sequence order. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      // New records arrived while a read was under way; that read may not have seen them.
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.fillWindow();
      } while (this.pumpAgain);
    } catch (error) {
      // While stopping, the store closes under a read in progress: nothing is lost, nothing to say.
      if (!this.stopped) this.log.error({ err: error }, "reading the outbox failed; retrying on the next record");
    } finally {
      this.pumping = false;
    }
  }

  private async fillWindow(): Promise<void> {
    heapForBacklog(this.outbox.depth);
    // Stopping: what is in flight may still be acknowledged, nothing new goes out.
    while (this.connected && !this.stopped && this.inFlight.size < this.options.maxInFlight) {
      const client = this.client!;
      const message = await this.drain.next(this.inFlightRecordSeqs, this.bytes.deferred());
      if (message === null || !this.connected || this.stopped || client !== this.client) break;
      this.publish(client, message);
    }
  }

  private publish(client: MqttClient, message: OutgoingMessage): void {
    const number = ++this.messageNumber;
    // Monotonic: a gateway clock set back or forward must not fake or hide a half-open link.
    this.inFlight.set(number, { records: message.records.map(({ id, seq, kind }) => ({ id, seq, kind })), sentAtMs: performance.now() });
    this.armPubackWatch();
    for (const record of message.records) this.inFlightRecordSeqs.add(record.seq);
    this.counters.published++;
    if (message.kind === "batch") this.counters.batches++;

    const topic = recordTopic(this.options.topicPrefix, this.options.truckId, message.kind);
    this.bytes.count(topic, message.payload);
    const properties = this.options.protocolVersion === 5 ? message.properties : undefined;
    client.publish(topic, message.payload, { qos: 1, ...(properties === undefined ? {} : { properties }) }, (error) => {
      // After a reconnect the old client's callbacks are stale: the records are re-sent anyway.
      if (error || client !== this.client) return;
      void this.onPuback(number);
    });
  }

  private async onPuback(number: number): Promise<void> {
    const done = this.inFlight.get(number);
    if (done === undefined) return;
    this.inFlight.delete(number);
    for (const record of done.records) this.inFlightRecordSeqs.delete(record.seq);
    this.counters.acknowledged += done.records.length;
    this.lastPubackAt = new Date().toISOString();
    this.lastPubackMono = performance.now();

    // The broker has these records, so their place in the window is free now, not once LevelDB
    // has deleted them: waiting for the delete kept the window short of full through every
    // delete round (benchmark row 5). ack() marks them as being deleted before it returns, so the
    // reads the pump makes skip them.
    const deleted = this.outbox.ack(done.records);
    void this.pump();
    try {
      await deleted;
    } catch (error) {
      // The delete failed (a full disk, a closed store): the records stay and go out again — a
      // duplicate the consumer drops, never a loss, and never an unhandled rejection.
      this.log.error({ err: (error as Error).message, records: done.records.length }, "deleting acknowledged records failed; they will be sent again");
      return;
    }
    this.emit("acked", done.records);
  }

  private clearInFlight(): void {
    this.inFlight.clear();
    this.inFlightRecordSeqs.clear();
  }

  /**
   * A link that silently drops packets (a NAT that forgot the flow, a dead cell) leaves the TCP
   * socket open and every publish unanswered; keepalive notices only after 1.5 × keepaliveS.
   * The oldest publish waiting longer than `pubackTimeoutS` ends the connection instead, and the
   * reconnect resends everything unacknowledged from the outbox.
   */
  private armPubackWatch(): void {
    if (this.pubackTimer !== null) return;
    const timeoutMs = this.options.pubackTimeoutS * 1000;
    this.pubackTimer = setInterval(() => {
      const oldest = this.inFlight.values().next().value as InFlight | undefined;
      if (oldest === undefined) {
        clearInterval(this.pubackTimer!);
        this.pubackTimer = null;
        return;
      }
      // Progress, not age: on a slow link a publish may wait behind others for longer than the
      // timeout while PUBACKs keep coming. Half-open means nothing acknowledged for that long.
      const waitingSince = Math.max(oldest.sentAtMs, this.lastPubackMono);
      if (performance.now() - waitingSince < timeoutMs || this.client === null) return;

      this.counters.halfOpen++;
      this.log.warn({ waitedS: (performance.now() - waitingSince) / 1000, inFlight: this.inFlight.size }, "no PUBACK in time: link presumed half-open, reconnecting");
      this.client.stream.destroy();
    }, Math.min(1000, timeoutMs / 4));
  }

  private async waitForInFlight(graceMs: number): Promise<void> {
    const deadline = performance.now() + graceMs;
    while (this.inFlight.size > 0 && this.connected && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isPlainRemote(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "mqtt:" && !LOOPBACK.has(parsed.hostname) && !parsed.hostname.startsWith("127.");
}

function publishAsync(client: MqttClient, topic: string, payload: string, opts: { qos: 1; retain: boolean }): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, opts, (error) => (error ? reject(error) : resolve())));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
