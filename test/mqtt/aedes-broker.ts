/** An in-process aedes broker on 127.0.0.1 with a free port, recording every publish it receives. */
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { Aedes, type AedesOptions } from "aedes";

export interface ReceivedMessage {
  topic: string;
  payload: string;
  /** The payload as sent (batches are binary). */
  bytes: Buffer;
  retain: boolean;
  qos: number;
}

export interface TestBroker {
  port: number;
  url: string;
  received: ReceivedMessage[];
  /** Payloads of publishes on one topic level (`position`, `status`, …), parsed. */
  records(kind?: string): Array<Record<string, unknown>>;
  /** Drops every client connection (a cell outage as the broker sees it). */
  dropClients(): void;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  port?: number;
  /** aedes hooks, e.g. `authenticate` to refuse connections. */
  broker?: Partial<AedesOptions>;
  /** Serve MQTT over TLS (mqtts://) with this PEM key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

export async function startAedes(portOrOptions: number | TestBrokerOptions = 0): Promise<TestBroker> {
  const options = typeof portOrOptions === "number" ? { port: portOrOptions } : portOrOptions;
  const port = options.port ?? 0;
  const aedes = await Aedes.createBroker(options.broker ?? {});
  const received: ReceivedMessage[] = [];
  aedes.on("publish", (packet, client) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString(), bytes: Buffer.from(packet.payload), retain: packet.retain, qos: packet.qos });
  });

  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    aedes.handle(socket);
  };
  const server: Server = options.tls === undefined ? createServer(onSocket) : createTlsServer(options.tls, onSocket);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = (server.address() as { port: number }).port;

  return {
    port: actualPort,
    url: `${options.tls === undefined ? "mqtt" : "mqtts"}://127.0.0.1:${actualPort}`,
    received,
    records(kind) {
      return received
        .filter((m) => kind === undefined || m.topic.endsWith(`/${kind}`))
        .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    },
    dropClients() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
