/**
 * The truck's cellular link as a TCP forwarder between the agent and the broker, with the ways
 * such links fail:
 * - `cut()`: every connection is reset (a cell handover);
 * - `refuse()`: no coverage — connections are cut and new ones closed at once, until `restore()`;
 * - `blackhole()`: the NAT forgot the flow — connections stay open and every byte is dropped both
 *   ways; they stay dead after `restore()` (only new connections work again), as on a real NAT;
 * - `bytesPerS`: the uplink direction paced to a slow cell's bandwidth, so a drain takes time;
 * - `acksLost`: the downlink drops everything while set (PUBACKs lost in the cell), so what the
 *   agent sent meanwhile reaches the broker but stays unacknowledged on the truck.
 *
 * With `observeAcks`, the link reads both directions (mqtt-packet) and remembers which records
 * the agent may have seen acknowledged: the ids of every PUBLISH whose PUBACK it forwarded to
 * the agent. Counted when forwarded, not when read, so the set errs on the side of "maybe acked".
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";
import { decodeBatch } from "../../agent/batch.js";

export type LinkState = "up" | "refused" | "blackhole";

const PACE_SLICE_BYTES = 512;

export interface LinkOptions {
  brokerPort: number;
  /** Uplink bandwidth, bytes a second; unset: as fast as the loopback. */
  bytesPerS?: number;
  observeAcks?: boolean;
}

interface Pair {
  agent: Socket;
  broker: Socket | null;
  dead: boolean;
  /** Message id → ids of the records that PUBLISH carried. */
  publishes: Map<number, string[]>;
}

export class FaultLink {
  port = 0;
  state: LinkState = "up";
  /** Uplink bandwidth now, bytes a second; undefined: unpaced. May change at any time. */
  bytesPerS: number | undefined;
  acksLost = false;
  /** Record ids whose PUBACK reached the agent's side of the link. */
  readonly ackedIds = new Set<string>();
  connections = 0;
  private readonly pairs = new Set<Pair>();
  private server: Server | null = null;

  constructor(private readonly options: LinkOptions) {
    this.bytesPerS = options.bytesPerS;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    for (const pair of this.pairs) this.end(pair);
  }

  refuse(): void {
    this.state = "refused";
    this.cut();
  }

  blackhole(): void {
    this.state = "blackhole";
    for (const pair of this.pairs) pair.dead = true;
  }

  restore(): void {
    this.state = "up";
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private accept(agent: Socket): void {
    agent.on("error", () => undefined);
    if (this.state === "refused") {
      agent.destroy();
      return;
    }
    this.connections++;
    const pair: Pair = { agent, broker: null, dead: this.state === "blackhole", publishes: new Map() };
    this.pairs.add(pair);
    agent.on("close", () => this.end(pair));
    if (pair.dead) return;

    const broker = connect(this.options.brokerPort, "127.0.0.1");
    pair.broker = broker;
    // A dead flow keeps the agent's socket open whatever the broker does: nothing gets through.
    broker.on("error", () => pair.dead || this.end(pair));
    broker.on("close", () => pair.dead || this.end(pair));

    const upParser = this.options.observeAcks ? mqttPacket.parser({ protocolVersion: 5 }) : null;
    const downParser = this.options.observeAcks ? mqttPacket.parser({ protocolVersion: 5 }) : null;
    upParser?.on("packet", (packet) => this.sawUp(pair, packet));
    downParser?.on("packet", (packet) => this.sawDown(pair, packet));

    let freeAtMs = 0;
    agent.on("data", (data) => {
      if (pair.dead) return;
      upParser?.parse(data);
      const rate = this.bytesPerS;
      if (rate === undefined) {
        broker.write(data);
        return;
      }
      // Paced in small slices, as a radio link delivers bytes: a 150 kB write does not arrive
      // all at once after 30 s, its first message arrives after a fraction of a second.
      for (let at = 0; at < data.length; at += PACE_SLICE_BYTES) {
        const slice = data.subarray(at, at + PACE_SLICE_BYTES);
        freeAtMs = Math.max(freeAtMs, performance.now()) + (slice.length * 1000) / rate;
        setTimeout(() => pair.dead || broker.destroyed || broker.write(slice), freeAtMs - performance.now());
      }
    });
    broker.on("data", (data) => {
      if (pair.dead || this.acksLost) return;
      downParser?.parse(data);
      agent.write(data);
    });
  }

  private sawUp(pair: Pair, packet: mqttPacket.Packet): void {
    if (packet.cmd !== "publish" || packet.messageId === undefined || packet.topic.endsWith("/status")) return;
    const payload = Buffer.from(packet.payload);
    const ids = packet.topic.endsWith("/batch")
      ? decodeBatch(payload).map((r) => r.id)
      : [(JSON.parse(payload.toString("utf8")) as { id: string }).id];
    pair.publishes.set(packet.messageId, ids);
  }

  private sawDown(pair: Pair, packet: mqttPacket.Packet): void {
    if (packet.cmd !== "puback" || packet.messageId === undefined) return;
    for (const id of pair.publishes.get(packet.messageId) ?? []) this.ackedIds.add(id);
    pair.publishes.delete(packet.messageId);
  }

  private end(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.dead = true;
    pair.agent.destroy();
    pair.broker?.destroy();
  }
}
