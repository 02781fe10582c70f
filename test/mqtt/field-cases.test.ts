/** Field cases F8 and F9 of shared/data/field-cases.md, against a real broker and a real store. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../../agent/outbox.js";
import { Uplink } from "../../agent/uplink.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { recordMaker } from "../outbox/records-fixture.js";
import { startAedes, type TestBroker } from "./aedes-broker.js";
import { startPubackProxy } from "./puback-proxy.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let broker: TestBroker;
beforeEach(async () => {
  dir = await makeTempDir("muck-field-");
  broker = await startAedes();
});
afterEach(async () => {
  await broker.close().catch(() => undefined);
  await dir.remove();
});

const outboxAt = (path: string) => Outbox.open(join(path, "outbox"), { syncIntervalMs: 10 });

describe("F8: published while offline, then the process stops", () => {
  it("delivers r2–r4 from the outbox after a restart, and never r1 again", async () => {
    const make = recordMaker(dir.path);
    const [r1, r2, r3, r4] = make(4);
    const port = broker.port;

    let outbox = await outboxAt(dir.path);
    let uplink = new Uplink(outbox, uplinkOptions(broker.url));
    uplink.start();
    await outbox.accept(r1!);
    await waitFor(() => outbox.depth === 0, 5000, "r1 acknowledged");

    await broker.close();
    await Promise.all([r2!, r3!, r4!].map((r) => outbox.accept(r)));
    await sleep(100);
    // SIGTERM: the agent stops (uplink, then the store) with r2–r4 unsent.
    await uplink.stop(100);
    await outbox.close();

    broker = await startAedes(port);
    outbox = await outboxAt(dir.path);
    expect(outbox.depth).toBe(3);
    uplink = new Uplink(outbox, uplinkOptions(broker.url));
    uplink.start();
    await waitFor(() => outbox.depth === 0, 5000, "r2–r4 delivered");
    await uplink.stop(100);
    await outbox.close();

    expect(broker.records("position").map((r) => r.id)).toEqual([r2!.id, r3!.id, r4!.id]);
  });
});

describe("F9: a second drop during the drain", () => {
  it("delivers all 1,805 records at least once, recognisable by id", async () => {
    const proxy = await startPubackProxy(broker.port);
    const outbox = await outboxAt(dir.path);
    const make = recordMaker(dir.path);
    const backlog = make(1800);
    await Promise.all(backlog.map((r) => outbox.accept(r)));

    // The broker "returns": the drain starts through the proxy.
    const uplink = new Uplink(outbox, uplinkOptions(proxy.url, { maxInFlight: 8, reconnectMinMs: 100, reconnectMaxMs: 200 }));
    let acked = 0;
    uplink.on("acked", (records) => (acked += records.length));
    uplink.start();
    await waitFor(() => acked >= 200, 10_000, "200 acknowledgements");

    const fresh = make(5);
    await Promise.all(fresh.map((r) => outbox.accept(r)));
    // The link drops again (compressed from 20 s): every connection attempt is cut at once.
    const cutter = setInterval(() => proxy.cut(), 5);
    proxy.cut();
    await sleep(1000);
    clearInterval(cutter);

    await waitFor(() => outbox.depth === 0, 20_000, "all delivered");
    await uplink.stop(100);
    await outbox.close();
    await proxy.close();

    const delivered = new Set(broker.records("position").map((r) => r.id as string));
    const missing = [...backlog, ...fresh].filter((r) => !delivered.has(r.id));
    expect(missing).toEqual([]);
    expect(delivered.size).toBe(1805);
  });
});

describe("a half-open link", () => {
  it("notices PUBACKs have stopped within pubackTimeoutS, reconnects, and resends everything", async () => {
    const proxy = await startPubackProxy(broker.port);
    const outbox = await outboxAt(dir.path);
    const make = recordMaker(dir.path);
    const uplink = new Uplink(outbox, uplinkOptions(proxy.url, { pubackTimeoutS: 1, connectTimeoutS: 1, reconnectMinMs: 100, reconnectMaxMs: 300 }));
    uplink.start();
    await Promise.all(make(10).map((r) => outbox.accept(r)));
    await waitFor(() => outbox.depth === 0, 5000, "first records delivered");

    proxy.blackhole = true;
    const blackholedAt = Date.now();
    const during = make(50);
    await Promise.all(during.map((r) => outbox.accept(r)));
    await waitFor(() => uplink.stats().halfOpen >= 1, 5000, "half-open detected");
    const detectedAfterMs = Date.now() - blackholedAt;
    expect(outbox.depth).toBe(50);

    proxy.blackhole = false;
    await waitFor(() => outbox.depth === 0, 10_000, "resent after the link came back");
    await uplink.stop(100);
    await outbox.close();
    await proxy.close();

    expect(detectedAfterMs).toBeLessThan(3000);
    const delivered = new Set(broker.records("position").map((r) => r.id));
    expect(during.filter((r) => !delivered.has(r.id))).toEqual([]);
  });
});

describe("stopping on a half-open link", () => {
  it("does not hang waiting for the offline status's PUBACK", async () => {
    const proxy = await startPubackProxy(broker.port);
    const outbox = await outboxAt(dir.path);
    const uplink = new Uplink(outbox, uplinkOptions(proxy.url));
    uplink.start();
    await waitFor(() => uplink.stats().connected, 5000, "connected");
    proxy.blackhole = true;

    const started = Date.now();
    await uplink.stop(300);
    const tookMs = Date.now() - started;
    await outbox.close();
    await proxy.close();

    expect(tookMs).toBeLessThan(2000);
  });
});
