/**
 * The subscribing side of `consume --url` and `verify --url`: a persistent session on every
 * truck's topics, held until SIGINT/SIGTERM, `--duration`, or `--idle-exit` seconds after the
 * last message (counted from the first one, so a reader started before the trucks waits).
 * The message handler is attached before the connection opens: a persistent session delivers
 * what queued while the reader was away right after CONNACK, and those must not be missed.
 */
import mqtt from "mqtt";

export interface SubscriptionOptions {
  url?: string;
  prefix: string;
  protocol: "4" | "5";
  clientId: string;
  duration?: string;
  idleExit?: string;
}

export async function subscribeUntilDone(opts: SubscriptionOptions, onMessage: (topic: string, payload: Buffer) => void): Promise<void> {
  const client = mqtt.connect(opts.url!, { clientId: opts.clientId, clean: false, protocolVersion: Number(opts.protocol) as 4 | 5, reconnectPeriod: 1000 });
  let idleTimer: NodeJS.Timeout | null = null;

  const done = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (opts.duration !== undefined) setTimeout(stop, Number(opts.duration) * 1000).unref();
    client.on("message", (topic, payload) => {
      if (opts.idleExit !== undefined) {
        if (idleTimer !== null) clearTimeout(idleTimer);
        idleTimer = setTimeout(stop, Number(opts.idleExit) * 1000);
      }
      onMessage(topic, payload);
    });
  });

  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  await client.subscribeAsync(`${opts.prefix}/+/+`, { qos: 1 });
  await done;
  if (idleTimer !== null) clearTimeout(idleTimer);
  await client.endAsync();
}
