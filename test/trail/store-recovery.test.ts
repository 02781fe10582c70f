/**
 * The trail across what the store does to records on its own: thinning to fit the byte budget
 * (a real LevelDB outbox, its thinOldest, the runtime's `thinned` events with their digests) and
 * a corrupt store moved aside and rebuilt (the real Agent, its `outbox_lost` alarm, a fresh chain).
 * Both are drained signed to an aedes broker and must verify clean, as accounted gaps — while a
 * record taken out where thinning kept it is still caught.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { unpackMessage } from "../../agent/consumer.js";
import { Outbox } from "../../agent/outbox.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { Uplink } from "../../agent/uplink.js";
import { loadPrivateKey, parsePublicKey, trailSigner } from "../../agent/trail/identity.js";
import { createKeyPair } from "../../agent/trail/key-files.js";
import { thinnedEvents } from "../../agent/trail/thinned-digests.js";
import { verifyTruck } from "../../agent/trail/verifier.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { uplinkOptions } from "../mqtt/uplink-options.js";
import { fixAt } from "../outbox/records-fixture.js";

let dir: TempDir;
let broker: TestBroker;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await makeTempDir("muck-trail-store-");
  broker = await startAedes();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await broker.close();
  await dir.remove();
});

const WINDOW = { replayWindow: 6400 };

function arrived(): AgentRecord[] {
  return broker.received.filter((m) => !m.topic.endsWith("/status")).flatMap((m) => unpackMessage({ topic: m.topic, payload: m.bytes }) ?? []);
}

function positions(factory: RecordFactory, count: number): AgentRecord[] {
  return Array.from({ length: count }, (_, i) => factory.position(fixAt(i % 60, 31.2 + i * 1e-4, 121.4 + i * 1e-4)));
}

async function drain(outbox: Outbox, keyFile: string): Promise<void> {
  const uplink = new Uplink(outbox, uplinkOptions(broker.url, { backfill: { minBacklog: 20, maxRecords: 40, maxBytes: 4800 }, signer: trailSigner(loadPrivateKey(keyFile)) }));
  uplink.start();
  await waitFor(() => outbox.depth === 0, 20_000, "outbox drained");
  await uplink.stop(200);
}

describe("the trail across the store's own removals", () => {
  it("thinned positions are an accounted gap the chain crosses; a kept one removed is missing", async () => {
    const pair = createKeyPair(join(dir.path, "id"), false);
    const factory = new RecordFactory("TRK-T1", SequenceStore.open(dir.path));
    const outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
    cleanups.push(() => outbox.close());
    await Promise.all(positions(factory, 300).map((r) => outbox.accept(r)));

    const pass = (await outbox.thinOldest(2, 200, 2, new Set()))!;
    const events = thinnedEvents(pass, "2026-12-03T08:10:00.000Z").map((e) => factory.event(e));
    await Promise.all(events.map((r) => outbox.accept(r)));
    await drain(outbox, pair.privateKeyFile);

    const key = parsePublicKey(readFileSync(pair.publicKeyFile, "utf8"))!;
    const received = arrived();
    const verdict = verifyTruck(received, [key], WINDOW);
    expect(verdict).toMatchObject({ tampered: false, missing: [], modified: [], inserted: [], thinnedRecords: 100 });
    expect(verdict.verified).toBe(300 - 100 + events.length);

    const kept = received.find((r) => r.kind === "position" && r.seq > pass.fromSeq + 10 && r.seq < pass.toSeq)!;
    const without = verifyTruck(received.filter((r) => r !== kept), [key], WINDOW);
    expect(without.missing).toEqual([[kept.seq, kept.seq]]);
  });

  it("a corrupt store rebuilt: the new chain starts at an outbox_lost the verifier accepts", async () => {
    const pair = createKeyPair(join(dir.path, "id"), false);
    const factory = new RecordFactory("TRK-T1", SequenceStore.open(dir.path));
    const old = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
    await Promise.all(positions(factory, 40).map((r) => old.accept(r)));
    await drain(old, pair.privateKeyFile);
    await Promise.all(positions(factory, 25).map((r) => old.accept(r)));
    await old.close();
    const current = join(dir.path, "outbox", "CURRENT");
    writeFileSync(current, readFileSync(current, "utf8").trimEnd());

    const { Agent } = await import("../../agent/runtime.js");
    const config = AgentConfigSchema.parse({
      truckId: "TRK-T1",
      dataDir: dir.path,
      gps: { path: join(dir.path, "no-gps-here") },
      mqtt: { url: broker.url, reconnectMinMs: 100, reconnectMaxMs: 500 },
      identity: { keyFile: pair.privateKeyFile },
    });
    const agent = new Agent(config);
    await agent.start();
    cleanups.push(() => agent.stop());
    const lostEvent = () => arrived().find((r) => r.kind === "event" && r.body.type === "outbox_lost");
    await waitFor(() => lostEvent() !== undefined && arrived().filter((r) => r.kind === "position").length >= 65, 20_000, "salvaged records and outbox_lost delivered");

    const verdict = verifyTruck(arrived(), [parsePublicKey(readFileSync(pair.publicKeyFile, "utf8"))!], WINDOW);
    expect(lostEvent()!.prev).toBeNull();
    expect(verdict).toMatchObject({ tampered: false, missing: [], modified: [], inserted: [] });
    expect(verdict.verified).toBe(verdict.records);
    expect(verdict.records).toBe(66);
  });
});
