/** The retained live status, and the daily data cap. */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../../agent/outbox.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { Uplink, type UplinkOptions } from "../../agent/uplink.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { fixAt } from "../outbox/records-fixture.js";
import { startAedes, type TestBroker } from "./aedes-broker.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let outbox: Outbox;
let broker: TestBroker;
let uplink: Uplink | null;
beforeEach(async () => {
  dir = await makeTempDir("muck-status-");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 5 });
  broker = await startAedes();
  uplink = null;
});
afterEach(async () => {
  await uplink?.stop(100);
  await outbox.close();
  await broker.close();
  await dir.remove();
});

function start(overrides: Partial<UplinkOptions>): Uplink {
  uplink = new Uplink(outbox, uplinkOptions(broker.url, overrides));
  uplink.start();
  return uplink;
}

const statuses = () => broker.received.filter((m) => m.topic === "muck/TRK-T1/status").map((m) => ({ retain: m.retain, ...JSON.parse(m.payload) }));

describe("live status", () => {
  it("is retained, refreshed while connected, and built fresh each time with what the agent adds", async () => {
    let depth = 7;
    start({ statusIntervalS: 0.2, status: () => ({ version: "9.9.9", outbox: { depth } }) });
    await waitFor(() => statuses().length >= 1, 5000, "first status");
    depth = 3;
    await waitFor(() => statuses().length >= 3, 5000, "refreshed status");

    const [first, , third] = statuses();
    expect(first).toMatchObject({ retain: true, online: true, version: "9.9.9", outbox: { depth: 7 } });
    expect(third).toMatchObject({ retain: true, online: true, outbox: { depth: 3 } });
    expect(third.uplink).toMatchObject({ connected: true, reconnects: 0 });
    expect(third.uplink.bytesToday).toBeGreaterThan(0);
  });
});

describe("daily data cap", () => {
  it("holds positions back once the day's bytes are spent, and still sends events", async () => {
    const factory = new RecordFactory("TRK-T1", SequenceStore.open(dir.path));
    const first = Array.from({ length: 20 }, (_, i) => factory.position(fixAt(i)));
    await Promise.all(first.map((r) => outbox.accept(r)));
    const link = start({ dailyCapBytes: 2000, maxInFlight: 1 });
    await waitFor(() => link.stats().capped, 5000, "cap reached");
    await sleep(200);
    const positionsAtCap = broker.records("position").length;

    const alarm = factory.event({ type: "illegal_dump", severity: "alarm", startedAt: new Date().toISOString() });
    await outbox.accept(alarm);
    await waitFor(() => broker.records("event").length === 1, 5000, "the alarm despite the cap");
    await sleep(200);

    expect(positionsAtCap).toBeLessThan(20);
    expect(broker.records("position")).toHaveLength(positionsAtCap);
    expect(outbox.depthOf(2)).toBe(20 - positionsAtCap);
  });
});
