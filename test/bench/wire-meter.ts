/**
 * A TCP proxy between the agent and the broker that passes every byte unchanged and parses the
 * agent's side with mqtt-packet, adding up the PUBLISH packets as they go on the wire: fixed
 * header, topic, packet id and payload.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";

export interface PublishBytes {
  packets: number;
  /** Whole packets: fixed header + variable header + payload. */
  bytes: number;
  topicBytes: number;
  payloadBytes: number;
}

export interface WireMeter {
  url: string;
  /** PUBLISH packets by the last topic level (`batch`, `position`, `status`, …). */
  publishes: Map<string, PublishBytes>;
  close(): Promise<void>;
}

/** Bytes of the MQTT "remaining length" varint for a given length. */
function varintBytes(length: number): number {
  return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;
}

export async function startWireMeter(brokerPort: number): Promise<WireMeter> {
  const sockets = new Set<Socket>();
  const meter: WireMeter = {
    url: "",
    publishes: new Map(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((agentSide) => {
    const brokerSide = connect(brokerPort, "127.0.0.1");
    sockets.add(agentSide).add(brokerSide);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (packet) => {
      if (packet.cmd !== "publish") return;
      const level = packet.topic.slice(packet.topic.lastIndexOf("/") + 1);
      const sum = meter.publishes.get(level) ?? { packets: 0, bytes: 0, topicBytes: 0, payloadBytes: 0 };
      const remaining = packet.length ?? 0;
      sum.packets++;
      sum.bytes += 1 + varintBytes(remaining) + remaining;
      sum.topicBytes += Buffer.byteLength(packet.topic);
      sum.payloadBytes += typeof packet.payload === "string" ? Buffer.byteLength(packet.payload) : packet.payload.length;
      meter.publishes.set(level, sum);
    });
    agentSide.on("data", (data) => {
      parser.parse(data);
      brokerSide.write(data);
    });
    brokerSide.on("data", (data) => agentSide.write(data));
    const end = () => {
      agentSide.destroy();
      brokerSide.destroy();
    };
    for (const socket of [agentSide, brokerSide]) {
      socket.on("close", end);
      socket.on("error", end);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  meter.url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
  return meter;
}
