/**
 * The demo's back office: an MQTT client on the broker's side that subscribes to every truck's
 * records and prints one readable line for each, which shows what actually crossed the broker
 * rather than what the agent meant to send.
 */
import mqtt, { type MqttClient } from "mqtt";

import { recordLine } from "./record-line.js";

export interface DemoSubscriber {
  /** Record ids received so far, so shutdown can wait for the last ones to arrive. */
  readonly receivedIds: Set<string>;
  close(): Promise<void>;
}

export async function startSubscriber(
  url: string,
  topicFilter: string,
  print: (line: string) => void,
): Promise<DemoSubscriber> {
  // No retries for the first connection: a wrong MUCK_BROKER_URL should fail at once, named.
  const options = { clientId: `muck-demo-office-${process.pid}`, clean: true, reconnectPeriod: 1000 };
  const client: MqttClient = await mqtt.connectAsync(url, options, false).catch((error: Error) => {
    throw new Error(`cannot reach the broker at ${url}: ${error.message}`, { cause: error });
  });
  const receivedIds = new Set<string>();

  client.on("message", (topic, payload) => {
    print(recordLine(topic, payload));
    const id = recordId(payload);
    if (id !== null) receivedIds.add(id);
  });
  await client.subscribeAsync(topicFilter, { qos: 1 });

  return {
    receivedIds,
    async close() {
      await client.endAsync();
    },
  };
}

function recordId(payload: Buffer): string | null {
  try {
    const id = (JSON.parse(payload.toString()) as { id?: unknown }).id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}
