/**
 * The truck's cellular link in a scenario run: a TCP forwarder between the agent and the
 * broker. `down()` is lost coverage — open connections are reset and new ones closed at once —
 * until `up()`. The subscriber on the platform's side talks to the broker directly, so an outage
 * only delays what the truck sends, as on the road.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export class CellLink {
  private readonly sockets = new Set<Socket>();
  private isDown = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Listens on a free loopback port and forwards to the broker of `brokerUrl` (mqtt://host:port). */
  static async open(brokerUrl: string): Promise<CellLink> {
    const target = new URL(brokerUrl);
    const port = Number(target.port || 1883);
    let link: CellLink | null = null;

    const server = createServer((agentSide) => link!.accept(agentSide, target.hostname, port));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const local = (server.address() as { port: number }).port;
    link = new CellLink(server, `mqtt://127.0.0.1:${local}`);
    return link;
  }

  down(): void {
    this.isDown = true;
    for (const socket of this.sockets) socket.destroy();
  }

  up(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(agentSide: Socket, host: string, port: number): void {
    if (this.isDown) {
      agentSide.destroy();
      return;
    }
    const brokerSide = connect(port, host);
    for (const socket of [agentSide, brokerSide]) {
      this.sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.sockets.delete(socket);
        agentSide.destroy();
        brokerSide.destroy();
      });
    }
    agentSide.pipe(brokerSide);
    brokerSide.pipe(agentSide);
  }
}
