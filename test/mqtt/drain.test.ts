/** Drain order by priority class, batched backfill, and the reference consumer reading it back. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { decodeBatch } from "../../agent/batch.js";
import { Drain } from "../../agent/drain.js";
import { ReferenceConsumer } from "../../agent/consumer.js";
import { Outbox } from "../../agent/outbox.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { recordHash } from "../../agent/trail/chain.js";
import { verifyTrailSignature } from "../../agent/trail/identity.js";
import { Uplink, type UplinkOptions } from "../../agent/uplink.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { fixAt } from "../outbox/records-fixture.js";
import { newIdentity } from "../trail/stream.js";
import { startAedes, type TestBroker } from "./aedes-broker.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let outbox: Outbox;
let broker: TestBroker;
let factory: RecordFactory;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await makeTempDir("muck-drain-");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
  broker = await startAedes();
  factory = new RecordFactory("TRK-D", SequenceStore.open(dir.path));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await outbox.close();
  await broker.close();
  await dir.remove();
});

const position = (i: number) => factory.position(fixAt(i % 60));
const weight = (kg: number) => factory.weight({ time: new Date().toISOString(), weightKg: kg, kind: "gross", stable: true, overload: false, error: false }, null);
const event = (type: string) => factory.event({ type, severity: "alarm", startedAt: new Date().toISOString() });

function startUplink(overrides: Partial<UplinkOptions>): Uplink {
  const uplink = new Uplink(outbox, uplinkOptions(broker.url, { truckId: "TRK-D", ...overrides }));
  uplink.start();
  cleanups.push(() => uplink.stop(200));
  return uplink;
}

/** Every record the broker got, in arrival order, batches unpacked. */
function arrivals(): AgentRecord[] {
  return broker.received
    .filter((m) => !m.topic.endsWith("/status"))
    .flatMap((m) => (m.topic.endsWith("/batch") ? decodeBatch(m.bytes) : [JSON.parse(m.payload) as AgentRecord]));
}

describe("draining a backlog", () => {
  it("sends events first, then positions, then weights, each class in sequence order", async () => {
    const mixed = [weight(1000), position(0), event("overspeed"), position(1), weight(2000), event("illegal_dump"), position(2)];
    await Promise.all(mixed.map((r) => outbox.accept(r)));
    startUplink({ maxInFlight: 1 });

    await waitFor(() => outbox.depth === 0, 5000, "drained");
    expect(arrivals().map((r) => r.kind)).toEqual(["event", "event", "position", "position", "position", "weight", "weight"]);
    const kinds = ["event", "position", "weight"];
    for (const kind of kinds) {
      const seqs = arrivals().filter((r) => r.kind === kind).map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it("puts a live event ahead of the rest of a position backlog", async () => {
    await Promise.all(Array.from({ length: 3000 }, (_, i) => outbox.accept(position(i))));
    const uplink = startUplink({ maxInFlight: 2 });
    let acked = 0;
    uplink.on("acked", (records) => (acked += records.length));
    await waitFor(() => acked >= 100, 5000, "drain under way");

    const alarm = event("overspeed");
    await outbox.accept(alarm);
    await waitFor(() => outbox.depth === 0, 20_000, "drained");

    const order = arrivals().map((r) => r.seq);
    expect(order.indexOf(alarm.seq)).toBeLessThan(order.length - 1000);
  });
});

describe("batched backfill", () => {
  it("packs positions into gzip NDJSON batches within the byte limit, every id exactly once, events alone", async () => {
    const backlog = Array.from({ length: 1000 }, (_, i) => position(i));
    const alarm = event("illegal_dump");
    await Promise.all([...backlog, alarm].map((r) => outbox.accept(r)));
    const uplink = startUplink({ maxInFlight: 4, backfill: { minBacklog: 20, maxRecords: 200, maxBytes: 4800 } });

    await waitFor(() => outbox.depth === 0, 10_000, "drained");

    const batches = broker.received.filter((m) => m.topic === "muck/TRK-D/batch");
    const sizes = batches.map((m) => m.bytes.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4800);
    expect(batches.length).toBeLessThan(100);
    expect(broker.received.filter((m) => m.topic === "muck/TRK-D/event").map((m) => JSON.parse(m.payload).id)).toEqual([alarm.id]);

    const ids = arrivals().map((r) => r.id);
    expect(ids).toHaveLength(1001);
    expect(new Set(ids)).toEqual(new Set([...backlog, alarm].map((r) => r.id)));
    expect(uplink.stats().batches).toBe(batches.length);
  });
});

describe("reference consumer", () => {
  const message = (r: AgentRecord) => ({ topic: `muck/${r.truckId}/${r.kind}`, payload: Buffer.from(JSON.stringify(r)) });

  it("drops duplicates, orders by sequence, and reports gaps apart from accounted ones", () => {
    const records = Array.from({ length: 10 }, (_, i) => position(i));
    const consumer = new ReferenceConsumer();
    const thinned = factory.event({ type: "thinned", severity: "warning", startedAt: new Date().toISOString(), details: { seqRanges: [[records[3]!.seq, records[4]!.seq]] } });
    const delivered = [records[9]!, records[0]!, records[1]!, records[1]!, records[2]!, records[5]!, records[8]!, records[0]!, thinned];
    for (const r of delivered) consumer.receive(message(r));
    consumer.receive({ topic: "muck/TRK-D/status", payload: Buffer.from("{}") });

    const summary = consumer.summary()["TRK-D"]!;
    expect(consumer.ordered().map((r) => r.seq)).toEqual([0, 1, 2, 5, 8, 9].map((i) => records[i]!.seq).concat(thinned.seq));
    expect(summary.duplicates).toBe(2);
    expect(summary.accounted).toEqual([[records[3]!.seq, records[4]!.seq]]);
    expect(summary.gaps).toEqual([[records[6]!.seq, records[7]!.seq]]);
    expect(consumer.skipped).toBe(1);
  });
});

describe("the in-flight window", () => {
  it("refills as PUBACKs arrive, without waiting for LevelDB to delete what they acknowledged", async () => {
    const records = Array.from({ length: 40 }, (_, i) => position(i));
    await Promise.all(records.map((r) => outbox.accept(r)));

    // Deletes held back until the test lets them go: a store on slow flash.
    const release: Array<() => void> = [];
    const realAck = outbox.ack.bind(outbox);
    outbox.ack = async (acked) => {
      await new Promise<void>((resolve) => release.push(resolve));
      return realAck(acked);
    };
    const uplink = startUplink({ maxInFlight: 4, backfill: { minBacklog: 0, maxRecords: 200, maxBytes: 4800 } });

    // Every record reaches the broker while not one delete has finished.
    await waitFor(() => uplink.stats().acknowledged === records.length, 5000, "all acknowledged");
    expect(arrivals().map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    expect(outbox.depth).toBe(records.length);

    for (const go of release.splice(0)) go();
    await waitFor(() => outbox.depth === 0, 5000, "deleted");
  });
});

describe("a single record's payload", () => {
  it("is the record as stored, with its signature as the last key when the truck signs", async () => {
    const records = [position(0), weight(1234), event("overspeed")];
    await Promise.all(records.map((r) => outbox.accept(r)));
    const identity = newIdentity();

    for (const signer of [null, identity.signer]) {
      const drain = new Drain(outbox, { minBacklog: 0, maxRecords: 200, maxBytes: 4800 }, signer);
      const payloads: string[] = [];
      for (let message = await drain.next(new Set()); message !== null; message = await drain.next(new Set(message.records.map((r) => r.seq)))) {
        payloads.push(message.payload as string);
        if (payloads.length > records.length) break;
      }

      // Events first, then positions, then weights; each exactly what JSON.stringify makes of it.
      const expected = [records[2]!, records[0]!, records[1]!];
      expect(payloads).toEqual(expected.map((r) => JSON.stringify(signer === null ? r : { ...r, sig: signer.sign(recordHash(r)) })));
      if (signer !== null) for (const p of payloads) expect(verifyTrailSignature(identity.publicKey, recordHash(JSON.parse(p)), JSON.parse(p).sig)).toBe(true);
    }
  });
});
