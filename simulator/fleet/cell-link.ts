/**
 * The fleet's cellular network: one TCP forwarder that every truck's agent connects through to
 * the broker, and the instrument that watches the MQTT traffic on it. It can fail the whole fleet
 * at once, as a cell outage over a city district does:
 * - `blackhole`: every byte is dropped both ways and the connections stay open (the radio is gone,
 *   nothing says so). Flows dropped this way stay dead after `restore()`, as a carrier NAT forgets
 *   them; only new connections work again. The agents notice by their PUBACK timeout.
 * - `refuse`: every connection is reset and new ones are closed at once (no coverage, the modem
 *   says so). The agents notice at once and retry with their backoff and jitter.
 *
 * It reads both directions with mqtt-packet to time what a load tool times: when each truck's
 * CONNACK came back, each record PUBLISH and its PUBACK (so PUBACK latency is the broker's round
 * trip as seen from the network, without the agent's own queueing).
 */
import { EventEmitter } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";

import mqttPacket from "mqtt-packet";

export type OutageMode = "blackhole" | "refuse";
export type LinkState = "up" | OutageMode;

export interface CellLinkEvents {
  /** A broker accepted a truck's connection (CONNACK 0), at monotonic `atMs`. */
  connected: [truckId: string, atMs: number];
  /** A record PUBLISH (QoS 1) passed towards the broker. */
  published: [truckId: string];
  /** The PUBACK of a record PUBLISH passed back, `latencyMs` after the PUBLISH. */
  acked: [truckId: string, latencyMs: number];
}

export interface CellLinkOptions {
  /** Where the broker listens. */
  brokerHost: string;
  brokerPort: number;
  /** MQTT protocol level the agents speak, for the packet parser: 4 (3.1.1) or 5. */
  protocolVersion: 4 | 5;
}

interface Flow {
  truck: Socket;
  /** Null for a flow born during a blackhole: nothing of it ever reaches the broker. */
  broker: Socket | null;
  dead: boolean;
  truckId: string | null;
  /** PUBLISH message id → monotonic time it passed. */
  sent: Map<number, number>;
}

export class CellLink extends EventEmitter<CellLinkEvents> {
  port = 0;
  state: LinkState = "up";
  /** Connections open now and the most there ever were. */
  open = 0;
  peakOpen = 0;
  private readonly flows = new Set<Flow>();
  private server: Server | null = null;

  constructor(private readonly options: CellLinkOptions) {
    super();
  }

  /** The URL the agents are given. */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
  }

  fail(mode: OutageMode): void {
    this.state = mode;
    for (const flow of this.flows) {
      if (mode === "refuse") this.end(flow);
      else flow.dead = true;
    }
  }

  restore(): void {
    this.state = "up";
  }

  async close(): Promise<void> {
    for (const flow of this.flows) this.end(flow);
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  private accept(truck: Socket): void {
    truck.on("error", () => undefined);
    if (this.state === "refuse") {
      truck.destroy();
      return;
    }

    const flow: Flow = { truck, broker: null, dead: this.state === "blackhole", truckId: null, sent: new Map() };
    this.flows.add(flow);
    this.open++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    truck.on("close", () => this.end(flow));
    if (flow.dead) return;

    const broker = connect(this.options.brokerPort, this.options.brokerHost);
    broker.on("error", () => undefined);
    flow.broker = broker;

    const version = this.options.protocolVersion;
    const up = mqttPacket.parser({ protocolVersion: version });
    const down = mqttPacket.parser({ protocolVersion: version });
    up.on("packet", (packet) => this.sawUp(flow, packet));
    down.on("packet", (packet) => this.sawDown(flow, packet));
    // A truck's bytes that do not parse are still forwarded: the broker is the judge of them.
    up.on("error", () => undefined);
    down.on("error", () => undefined);

    truck.on("data", (data) => {
      if (flow.dead) return;
      up.parse(data);
      broker.write(data);
    });
    broker.on("data", (data) => {
      if (flow.dead) return;
      down.parse(data);
      truck.write(data);
    });
    // A blackholed flow keeps the truck's socket open whatever the broker does.
    broker.on("close", () => flow.dead || this.end(flow));
  }

  private sawUp(flow: Flow, packet: mqttPacket.Packet): void {
    if (packet.cmd === "connect") flow.truckId = packet.clientId;
    if (packet.cmd !== "publish" || packet.qos !== 1 || packet.messageId === undefined) return;
    if (packet.topic.endsWith("/status") || flow.truckId === null) return;

    flow.sent.set(packet.messageId, performance.now());
    this.emit("published", flow.truckId);
  }

  private sawDown(flow: Flow, packet: mqttPacket.Packet): void {
    if (flow.truckId === null) return;
    if (packet.cmd === "connack" && (packet.returnCode ?? packet.reasonCode ?? 0) === 0) {
      this.emit("connected", flow.truckId, performance.now());
    }
    if (packet.cmd !== "puback" || packet.messageId === undefined) return;

    const sentAtMs = flow.sent.get(packet.messageId);
    if (sentAtMs === undefined) return;
    flow.sent.delete(packet.messageId);
    this.emit("acked", flow.truckId, performance.now() - sentAtMs);
  }

  private end(flow: Flow): void {
    if (!this.flows.delete(flow)) return;
    this.open--;
    flow.dead = true;
    flow.truck.destroy();
    flow.broker?.destroy();
  }
}
