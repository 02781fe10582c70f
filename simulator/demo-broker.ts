/**
 * The demo's embedded MQTT broker: aedes on 127.0.0.1, nothing persisted. Loaded on demand, so
 * a demo pointed at a real broker (MUCK_BROKER_URL) does not need aedes installed.
 */
import { createServer, type Socket } from "node:net";

export interface DemoBroker {
  url: string;
  close(): Promise<void>;
}

/** Listens on `port` (0 = any free port) on the loopback interface only. */
export async function startDemoBroker(port = 0): Promise<DemoBroker> {
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const actualPort = (server.address() as { port: number }).port;

  return {
    url: `mqtt://127.0.0.1:${actualPort}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
