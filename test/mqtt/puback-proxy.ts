/**
 * A TCP proxy between the agent and a broker that can withhold PUBACKs: it parses the broker's
 * side of the stream with mqtt-packet and drops PUBACK packets while `holdPubacks` is set, so the
 * broker has the message but the agent never hears so.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";

export interface PubackProxy {
  port: number;
  url: string;
  holdPubacks: boolean;
  withheld: number;
  /** Silently drop every byte both ways, keeping the connections open: a half-open link. */
  blackhole: boolean;
  /** Cuts every connection through the proxy. */
  cut(): void;
  close(): Promise<void>;
}

export async function startPubackProxy(brokerPort: number, protocolVersion: 4 | 5 = 4): Promise<PubackProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const proxy: PubackProxy = {
    port: 0,
    url: "",
    holdPubacks: false,
    withheld: 0,
    blackhole: false,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((agentSide) => {
    const brokerSide = connect(brokerPort, "127.0.0.1");
    const pair: [Socket, Socket] = [agentSide, brokerSide];
    pairs.add(pair);
    const parser = mqttPacket.parser({ protocolVersion });

    parser.on("packet", (packet) => {
      if (proxy.blackhole) return;
      if (packet.cmd === "puback" && proxy.holdPubacks) {
        proxy.withheld++;
        return;
      }
      agentSide.write(mqttPacket.generate(packet, { protocolVersion }));
    });
    brokerSide.on("data", (data) => parser.parse(data));
    agentSide.on("data", (data) => {
      if (!proxy.blackhole) brokerSide.write(data);
    });

    const end = () => {
      pairs.delete(pair);
      agentSide.destroy();
      brokerSide.destroy();
    };
    agentSide.on("close", end);
    brokerSide.on("close", end);
    agentSide.on("error", end);
    brokerSide.on("error", end);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.url = `mqtt://127.0.0.1:${proxy.port}`;
  return proxy;
}
