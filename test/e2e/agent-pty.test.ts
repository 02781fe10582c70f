/**
 * The main job end to end: NMEA and SICS bytes on real pseudo-terminals, opened by the agent
 * through serialport, records acknowledged by a real broker over TCP.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { Agent } from "../../agent/runtime.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { replyTo } from "../../drivers/scale/sics.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { driveEpoch } from "./nmea-drive.js";

let dataDir: TempDir;
let gps: PtyFixture;
let scale: PtyFixture;
let broker: TestBroker;
let agent: Agent | null;

beforeEach(async () => {
  dataDir = await makeTempDir("muck-e2e-");
  gps = await createPtyFixture({ name: "gps" });
  scale = await createPtyFixture({ name: "scale" });
  broker = await startAedes();
  agent = null;
});
afterEach(async () => {
  await agent?.stop();
  await broker.close();
  await gps.close();
  await scale.close();
  await dataDir.remove();
});

function config() {
  return AgentConfigSchema.parse({
    truckId: "TRK-E2E",
    dataDir: dataDir.path,
    log: { level: "silent" },
    gps: { path: gps.devicePath, silenceTimeoutS: 1, reopenMinMs: 50, reopenMaxMs: 200, epochIdleMs: 100 },
    scale: { path: scale.devicePath, protocol: "sics", pollIntervalMs: 100, silenceTimeoutS: 2 },
    mqtt: { url: broker.url, reconnectMinMs: 100, reconnectMaxMs: 300 },
    cadence: { minPeriodS: 2, minDistanceM: 1000, minHeadingDeg: 90, minSpeedDeltaKmh: 50 },
    outbox: { syncIntervalMs: 20 },
  });
}

/** Answers the agent's SICS polls like a scale showing `weightKg`, stable. */
function answerPolls(device: NonNullable<PtyFixture["device"]>, weightKg: () => number): void {
  let pending = "";
  device.on("data", (chunk) => {
    pending += chunk.toString("latin1");
    const lines = pending.split("\r\n");
    pending = lines.pop()!;
    for (const line of lines) {
      void device.write(replyTo(line, { weightKg: weightKg(), kind: "gross", stable: true, overload: false, error: false }));
    }
  });
}

describe("agent end to end over ptys and a broker", () => {
  it("turns serial bytes into records the broker acknowledges, in sequence, with a gap event for an unplugged GPS", async () => {
    let weightKg = 12_340;
    answerPolls(scale.device!, () => weightKg);
    agent = new Agent(config());
    const accepted: AgentRecord[] = [];
    agent.onRecord = (record) => accepted.push(record);
    await agent.start();

    for (let i = 0; i < 10; i++) {
      await gps.device!.write(driveEpoch(i).map((s) => `${s}\r\n`).join(""));
      await sleep(60);
    }
    await waitFor(() => broker.records("weight").length >= 1, 5000, "a weight record");
    weightKg = 2_000; // unloaded: a change beyond weightDeltaKg

    await gps.device!.unplug("hangup");
    await sleep(300);
    await gps.device!.replug();
    await waitFor(() => agent!.status().devices.gps === "open", 5000, "the agent reopened the GPS");
    for (let i = 10; i < 16; i++) {
      await gps.device!.write(driveEpoch(i).map((s) => `${s}\r\n`).join(""));
      await sleep(60);
    }

    await waitFor(() => broker.records("event").length >= 1, 8000, "the gps gap event");
    await waitFor(() => broker.records("weight").some((r) => (r.body as { weightKg: number }).weightKg === 2000), 5000, "the unloaded weight");
    await waitFor(() => agent!.status().outboxDepth === 0, 5000, "outbox drained");

    // Positions: GPS time drives the cadence (minPeriodS 2 → every other epoch).
    const positions = broker.records("position");
    const seconds = positions.map((r) => Number((r.gpsTime as string).slice(17, 19)));
    expect(seconds.filter((s) => s < 10)).toEqual([0, 2, 4, 6, 8]);
    // After the replug: the first lines may land before the agent's port is reading (a real
    // adapter loses them too), so only the spacing is exact.
    const after = seconds.filter((s) => s >= 10);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((s, i) => i === 0 || s - after[i - 1]! >= 2)).toBe(true);
    expect(positions[0]).toMatchObject({ truckId: "TRK-E2E", kind: "position", schema: 1 });
    expect((positions[1]!.body as { speedKmh: number }).speedKmh).toBeCloseTo(36, 1);

    const weights = broker.records("weight");
    // MT-SICS S/SI report the net weight; the agent records it, marked net, as the only weight there is.
    expect(weights[0]!.body).toMatchObject({ weightKg: 12_340, kind: "net", stable: true });

    const gap = broker.records("event")[0]!;
    expect(gap.body).toMatchObject({ type: "gps_gap", severity: "warning" });
    const gapS = (gap.body as { details: { durationS: number } }).details.durationS;
    expect(gapS).toBeGreaterThan(0.25);
    expect(gapS).toBeLessThan(5);

    // Every record: one id per sequence number, sequence only growing, all acknowledged.
    const all = broker.received.filter((m) => !m.topic.endsWith("/status")).map((m) => JSON.parse(m.payload) as AgentRecord);
    const seqs = [...new Set(all.map((r) => r.seq))];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all.every((r) => r.id === `TRK-E2E:${r.seq}`)).toBe(true);
    expect(new Set(accepted.map((r) => r.id))).toEqual(new Set(all.map((r) => r.id)));
  });
});
