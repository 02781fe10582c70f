/** The uplink against a real broker (aedes, in-process, over TCP on 127.0.0.1). */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TIGHT_HEAP_FROM_RECORDS, heapIsTight } from "../../agent/heap-tuning.js";
import { Outbox } from "../../agent/outbox.js";
import { Uplink, type UplinkOptions } from "../../agent/uplink.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { recordMaker } from "../outbox/records-fixture.js";
import { startAedes, type TestBroker } from "./aedes-broker.js";
import { startPubackProxy } from "./puback-proxy.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let outbox: Outbox;
let broker: TestBroker;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await makeTempDir("muck-uplink-");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
  broker = await startAedes();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await outbox.close();
  await broker.close().catch(() => undefined);
  await dir.remove();
});

function startUplink(url: string, overrides: Partial<UplinkOptions> = {}): Uplink {
  const uplink = new Uplink(outbox, uplinkOptions(url, overrides));
  uplink.start();
  cleanups.push(() => uplink.stop(200));
  return uplink;
}

describe("uplink", () => {
  it("publishes every record with QoS 1 in sequence order, deleting each on its PUBACK", async () => {
    const records = recordMaker(dir.path)(200);
    await Promise.all(records.map((r) => outbox.accept(r)));
    const uplink = startUplink(broker.url);

    await waitFor(() => outbox.depth === 0, 10_000, "outbox drained");

    const positions = broker.received.filter((m) => m.topic === "muck/TRK-T1/position");
    expect(positions.every((m) => m.qos === 1)).toBe(true);
    expect(positions.map((m) => JSON.parse(m.payload).seq)).toEqual(records.map((r) => r.seq));
    expect(uplink.stats()).toMatchObject({ connected: true, acknowledged: 200, inFlight: 0 });
  });

  it("holds the heap tight while it drains a backlog, and lets go once the backlog is gone", async () => {
    const make = recordMaker(dir.path);
    const backlog = make(TIGHT_HEAP_FROM_RECORDS + 500);
    for (let i = 0; i < backlog.length; i += 2000) await Promise.all(backlog.slice(i, i + 2000).map((r) => outbox.accept(r)));
    expect(heapIsTight()).toBe(false);
    const uplink = startUplink(broker.url);

    await waitFor(() => uplink.stats().acknowledged > 0, 10_000, "the drain to start");
    expect(heapIsTight()).toBe(true);
    await waitFor(() => outbox.depth === 0, 30_000, "the backlog drained");
    // The next record after the backlog: the uplink sees a store with nothing waiting.
    await outbox.accept(make(1)[0]!);
    await waitFor(() => outbox.depth === 0, 5000, "the new record delivered");
    expect(heapIsTight()).toBe(false);
  }, 60_000);

  it("keeps records in LevelDB while the broker's PUBACKs are withheld, and re-sends them after a reconnect", async () => {
    const proxy = await startPubackProxy(broker.port);
    cleanups.push(() => proxy.close());
    proxy.holdPubacks = true;
    const uplink = startUplink(proxy.url, { maxInFlight: 8 });
    const records = recordMaker(dir.path)(20);
    await Promise.all(records.map((r) => outbox.accept(r)));

    await waitFor(() => broker.records("position").length >= 8, 5000, "broker got the first window");
    await sleep(200);

    // The broker has them; the agent never heard so: every record is still in the outbox.
    expect(proxy.withheld).toBeGreaterThanOrEqual(8);
    expect(outbox.depth).toBe(20);
    expect((await outbox.read(2, 0, 100)).map((r) => r.seq)).toEqual(records.map((r) => r.seq));
    expect(uplink.stats().inFlight).toBe(8); // the window is bounded

    proxy.holdPubacks = false;
    proxy.cut();
    await waitFor(() => outbox.depth === 0, 10_000, "drained after reconnect");

    const ids = broker.records("position").map((r) => r.id as string);
    expect(new Set(ids)).toEqual(new Set(records.map((r) => r.id)));
    expect(ids.length).toBeGreaterThan(20); // duplicates, recognisable by id
    expect(uplink.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it("accumulates records while the broker is down and drains them oldest first when it returns", async () => {
    const port = broker.port;
    await broker.close();
    const uplink = startUplink(`mqtt://127.0.0.1:${port}`);
    const make = recordMaker(dir.path);
    const early = make(100);
    await Promise.all(early.map((r) => outbox.accept(r)));
    await sleep(300);
    expect(outbox.depth).toBe(100);

    broker = await startAedes(port);
    const late = make(50);
    const lateAccepted = Promise.all(late.map((r) => outbox.accept(r)));
    await waitFor(() => outbox.depth === 0 && broker.records("position").length >= 150, 10_000, "drained");
    await lateAccepted;

    const seqs = broker.records("position").map((r) => r.seq as number);
    expect(seqs).toEqual([...early, ...late].map((r) => r.seq));
    expect(uplink.stats().connected).toBe(true);
  });

  it("publishes a retained online status, and the broker publishes the offline will when the link dies", async () => {
    const proxy = await startPubackProxy(broker.port);
    cleanups.push(() => proxy.close());
    startUplink(proxy.url, { reconnectMinMs: 5000, reconnectMaxMs: 5000 });

    await waitFor(() => broker.received.some((m) => m.topic === "muck/TRK-T1/status"), 5000, "status online");
    const online = broker.received.find((m) => m.topic === "muck/TRK-T1/status")!;
    expect(online.retain).toBe(true);
    expect(JSON.parse(online.payload)).toMatchObject({ truckId: "TRK-T1", online: true });

    proxy.cut();
    await waitFor(() => broker.received.filter((m) => m.topic === "muck/TRK-T1/status").length >= 2, 5000, "will");
    const will = broker.received.filter((m) => m.topic === "muck/TRK-T1/status")[1]!;
    expect(JSON.parse(will.payload)).toMatchObject({ online: false });
  });
});
