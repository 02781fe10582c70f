/**
 * The compact batch end to end: records made by the agent's record factory, accepted (and chained)
 * by a real LevelDB outbox, drained by the uplink in signed batches to an aedes broker over TCP,
 * received by a subscriber and decoded by the reference consumer — which must give back exactly
 * the records the agent stored, `id`, `prev` and key order included — and verified clean.
 */
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { ReferenceConsumer, unpackMessage, type ReceivedMessage } from "../../agent/consumer.js";
import { Outbox } from "../../agent/outbox.js";
import { Uplink } from "../../agent/uplink.js";
import { verifyTruck } from "../../agent/trail/verifier.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { startAedes } from "../mqtt/aedes-broker.js";
import { uplinkOptions } from "../mqtt/uplink-options.js";
import { hourOfRecords } from "./hour-of-positions.js";
import { newIdentity } from "./stream.js";

let dir: TempDir;
let outbox: Outbox;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await makeTempDir("muck-trail-batch-");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await outbox.close();
  await dir.remove();
});

function withoutSig(record: AgentRecord): AgentRecord {
  const { sig: _sig, ...rest } = record;
  return rest;
}

describe("compact batches over LevelDB and a broker", () => {
  it("decode into exactly the records the agent stored, and the stream verifies", async () => {
    const broker = await startAedes();
    cleanups.push(() => broker.close());
    const messages: ReceivedMessage[] = [];
    const subscriber = await mqtt.connectAsync(broker.url, { clientId: "platform" });
    cleanups.push(() => subscriber.endAsync());
    subscriber.on("message", (topic, payload) => messages.push({ topic, payload }));
    await subscriber.subscribeAsync("muck/#", { qos: 1 });

    const records = hourOfRecords({ seconds: 1200, truckId: "TRK-T1" });
    await Promise.all(records.map((r) => outbox.accept(r)));
    const identity = newIdentity();
    const uplink = new Uplink(outbox, uplinkOptions(broker.url, { backfill: { minBacklog: 20, maxRecords: 200, maxBytes: 4800 }, signer: identity.signer }));
    uplink.start();
    cleanups.push(() => uplink.stop(200));

    await waitFor(() => outbox.depth === 0, 20_000, "outbox drained");
    const consumer = new ReferenceConsumer();
    await waitFor(() => {
      messages.splice(0).forEach((m) => consumer.receive(m));
      return consumer.ordered().length === records.length;
    }, 10_000, "every record received");

    const stored = records.map((r) => JSON.stringify(r));
    expect(consumer.ordered().map((r) => JSON.stringify(withoutSig(r)))).toEqual(stored);
    expect(records.every((r) => typeof r.prev === "string" || r.seq === records[0]!.seq)).toBe(true);
    expect(broker.received.filter((m) => m.topic.endsWith("/batch")).length).toBeGreaterThan(5);

    const arrived = broker.received.filter((m) => !m.topic.endsWith("/status")).flatMap((m) => unpackMessage({ topic: m.topic, payload: m.bytes }) ?? []);
    const verdict = verifyTruck(arrived, [identity.publicKey], { replayWindow: 6400 });
    expect(verdict.tampered).toBe(false);
    expect(verdict.verified).toBe(records.length);
  }, 60_000);
});
