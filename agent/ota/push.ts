/**
 * `config push`: publish a bundle retained (QoS 1) on its config topic and wait for the broker's
 * PUBACK — from then on the broker holds it for every truck, including those offline now. With
 * a wait, collect the acks trucks publish for this very bundle (same channel and version).
 */
import mqtt, { type IClientOptions } from "mqtt";
import type { ConfigAck } from "./ack.js";
import type { Bundle } from "./bundle.js";
import { truckConfigTopic } from "./topics.js";

export interface PushOptions {
  url: string;
  prefix: string;
  fleetTopic: string;
  /** Seconds to wait for acks after the PUBACK; 0: none. */
  waitS: number;
  /** Stop waiting once this many trucks have answered (a truck push expects one). */
  expect: number;
  clientOptions?: IClientOptions;
  /** The broker has acknowledged the publish (before any wait for acks). */
  onPublished?: (topic: string) => void;
  onAck?: (ack: ConfigAck) => void;
}

export interface PushResult {
  topic: string;
  acks: ConfigAck[];
}

export function bundleTopic(bundle: Bundle, prefix: string, fleetTopic: string): string {
  return bundle.target === "fleet"
    ? `${prefix}/${fleetTopic}/config`
    : truckConfigTopic(prefix, bundle.target.slice("truck:".length));
}

export async function pushBundle(
  bundle: Bundle,
  text: string,
  options: PushOptions,
): Promise<PushResult> {
  const topic = bundleTopic(bundle, options.prefix, options.fleetTopic);
  const channel = bundle.target === "fleet" ? "fleet" : "truck";
  const client = await mqtt.connectAsync(options.url, {
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...options.clientOptions,
  });
  const acks = new Map<string, ConfigAck>();

  try {
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    client.on("message", (_topic, payload) => {
      const ack = parseAck(payload);
      if (
        ack === null ||
        ack.channel !== channel ||
        ack.version !== bundle.version ||
        acks.has(ack.truckId)
      )
        return;
      acks.set(ack.truckId, ack);
      options.onAck?.(ack);
      if (acks.size >= options.expect) allIn();
    });
    // Subscribed before the push, so no ack can slip by; retained acks of older pushes do not match.
    if (options.waitS > 0) await client.subscribeAsync(`${options.prefix}/+/config/ack`, { qos: 1 });

    await client.publishAsync(topic, text, { qos: 1, retain: true });
    options.onPublished?.(topic);
    if (options.waitS > 0)
      await Promise.race([
        done,
        new Promise((resolve) => setTimeout(resolve, options.waitS * 1000).unref()),
      ]);
    return { topic, acks: [...acks.values()] };
  } finally {
    await client.endAsync();
  }
}

function parseAck(payload: Buffer): ConfigAck | null {
  try {
    const ack = JSON.parse(payload.toString("utf8")) as ConfigAck;
    return typeof ack.truckId === "string" && typeof ack.result === "string" ? ack : null;
  } catch {
    return null;
  }
}
