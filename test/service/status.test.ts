/**
 * Health and lifecycle of the real agent process (`node --import tsx agent/cli/main.ts run`) on
 * virtual serial devices and a broker: `muck-agent status` while it runs (from its status file)
 * and once it stopped (from the outbox), the Prometheus endpoint and what the process listens
 * on, and a SIGTERM that stops inputs, flushes, says offline, closes the store and exits 0.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import type { StatusReport } from "../../agent/cli/status-command.js";
import { Outbox } from "../../agent/outbox.js";
import { AgentProcess } from "../faults/agent-process.js";
import { driveEpoch } from "../e2e/nmea-drive.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { spawnTs } from "../simulator/spawn.js";
import { freePort, listeningAddresses } from "./sockets.js";

let dir: TempDir;
let gps: PtyFixture;
let scale: PtyFixture;
let broker: TestBroker | null;
let agent: AgentProcess | null;
let feeding = false;

beforeEach(async () => {
  dir = await makeTempDir("muck-status-");
  gps = await createPtyFixture({ name: "gps" });
  scale = await createPtyFixture({ name: "scale" });
  broker = await startAedes();
  agent = null;
});
afterEach(async () => {
  feeding = false;
  await agent?.stop();
  await broker?.close();
  await gps.close();
  await scale.close();
  await dir.remove();
});

function writeConfig(extra: Record<string, unknown> = {}): string {
  const file = join(dir.path, "agent.json");
  writeFileSync(file, JSON.stringify({
    truckId: "TRK-STATUS",
    dataDir: join(dir.path, "data"),
    log: { level: "info" },
    gps: { path: gps.devicePath, epochIdleMs: 100 },
    scale: { path: scale.devicePath, protocol: "ascii" },
    mqtt: { url: broker!.url, reconnectMinMs: 200, reconnectMaxMs: 500 },
    cadence: { minPeriodS: 1, minDistanceM: 5 },
    outbox: { syncIntervalMs: 20 },
    backfill: { minBacklog: 0 }, // every record alone, as JSON
    status: { fileIntervalS: 1 },
    ...extra,
  }));
  return file;
}

/** A receiver at 10 epochs a second and a scale streaming its weight, until `feeding` is false. */
async function feed(): Promise<void> {
  feeding = true;
  for (let i = 0; feeding && i < 3600; i++) {
    await gps.device!.write(driveEpoch(i).map((s) => `${s}\r\n`).join(""));
    await scale.device!.write("ST,GS,+012340 kg\r\n");
    await sleep(100);
  }
}

async function status(configFile: string, ...args: string[]): Promise<{ code: number | string; out: string }> {
  const run = spawnTs("agent/cli/main.ts", ["status", "--config", configFile, ...args]);
  const code = await run.exited;
  return { code, out: run.stdout() };
}

describe("muck-agent status and metrics, against the real agent process", () => {
  it("reports from the running agent, then from the outbox once it is stopped", async () => {
    const metricsPort = await freePort();
    const configFile = writeConfig({ metrics: { port: metricsPort } });
    const accepted: AgentRecord[] = [];
    agent = new AgentProcess(configFile, (line) => accepted.push(JSON.parse(line) as AgentRecord), { logLevel: "info" });
    await agent.waitForLog("agent started");
    void feed();
    await waitFor(() => broker!.records("position").length >= 3 && broker!.records("weight").length >= 1, 15_000, "records delivered");
    await sleep(1500); // one more status file with the PUBACKs in it

    const running = await status(configFile, "--json");
    const report = JSON.parse(running.out) as StatusReport;
    expect(running.code).toBe(0);
    expect(report).toMatchObject({ state: "running", source: "status-file", truckId: "TRK-STATUS", pid: agent.pid, connected: true, reconnects: 0 });
    expect(report.fixAgeS).not.toBeNull();
    expect(report.fixAgeS!).toBeLessThan(10);
    expect(report.scaleSampleAgeS).not.toBeNull();
    expect(report.lastPubackAt).not.toBeNull();
    expect(report.devices).toEqual({ gps: "open", scale: "open" });

    const text = (await status(configFile)).out;
    expect(text).toMatch(/^muck-agent TRK-STATUS: running \(pid \d+\)/);
    expect(text).toMatch(/last PUBACK +20\d\d-/);

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^muck_uplink_connected 1$/m);
    expect(metrics).toMatch(/^muck_fix_age_seconds \d/m);
    expect(Number(/^muck_records_acknowledged_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // The metrics endpoint on the loopback is all the agent listens on.
    expect(listeningAddresses(agent.pid)).toEqual([`tcp 127.0.0.1:${metricsPort}`]);

    // The broker goes away: what the agent accepts from now on stays in the outbox.
    await broker!.close();
    broker = null;
    await agent.waitForLog("broker connection lost");
    const acceptedBefore = accepted.length;
    await waitFor(() => accepted.length >= acceptedBefore + 5, 10_000, "records accepted while offline");
    feeding = false;

    const exit = await agent.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = await status(configFile, "--json");
    const after = JSON.parse(stopped.out) as StatusReport;
    expect(stopped.code).toBe(3);
    expect(after).toMatchObject({ state: "stopped", source: "outbox", connected: false, pid: null });

    // The queue is what the store holds, which is what the agent accepted and never got acked.
    const outbox = await Outbox.open(join(dir.path, "data", "outbox"), { syncIntervalMs: 0 });
    try {
      expect(after.queueDepth).toBe(outbox.depth);
      expect(after.queueDepth).toBeGreaterThanOrEqual(5);
      const oldest = await outbox.oldest();
      expect(accepted.map((r) => r.seq)).toContain(oldest!.seq);
    } finally {
      await outbox.close();
    }
    expect(after.oldestRecordAgeS).not.toBeNull();
  });

  it("listens on nothing by default", async () => {
    agent = new AgentProcess(writeConfig(), () => undefined, { logLevel: "info" });
    await agent.waitForLog("connected to broker");
    expect(listeningAddresses(agent.pid)).toEqual([]);
  });
});

describe("SIGTERM", () => {
  it("stops the inputs, publishes offline, closes the store and exits 0 with every accepted record delivered or stored", async () => {
    const configFile = writeConfig();
    const accepted: AgentRecord[] = [];
    const logs: Array<{ component?: string; msg?: string }> = [];
    agent = new AgentProcess(configFile, (line) => accepted.push(JSON.parse(line) as AgentRecord), {
      logLevel: "info",
      onLog: (line) => logs.push(JSON.parse(line) as { component?: string; msg?: string }),
    });
    await agent.waitForLog("agent started");
    void feed();
    await waitFor(() => accepted.length >= 10, 15_000, "records accepted");

    // Stopped while the receiver is still talking: records are in every stage.
    const exit = await agent.stop();
    feeding = false;
    expect(exit).toEqual({ code: 0, signal: null });
    const order = logs.map((entry) => entry.msg);
    expect(order.indexOf("stopping")).toBeLessThan(order.indexOf("agent stopped"));
    // One child logger per component, each line naming it.
    const components = new Set(logs.map((entry) => entry.component));
    for (const component of ["agent", "uplink"]) expect(components).toContain(component);
    expect(logs.every((entry) => typeof entry.component === "string")).toBe(true);

    const statuses = broker!.received.filter((m) => m.topic === "muck/TRK-STATUS/status").map((m) => JSON.parse(m.payload) as { online: boolean });
    expect(statuses.at(-1)).toMatchObject({ online: false });
    expect(broker!.received.filter((m) => m.topic === "muck/TRK-STATUS/status").at(-1)!.retain).toBe(true);

    // Flushed and synced: every record printed as accepted reached the broker or is in the store.
    const delivered = new Set(broker!.received.filter((m) => !m.topic.endsWith("/status")).map((m) => (JSON.parse(m.payload) as { seq: number }).seq));
    const outbox = await Outbox.open(join(dir.path, "data", "outbox"), { syncIntervalMs: 0 });
    try {
      const stored = new Set<number>();
      for (const cls of [0, 1, 2, 3] as const) for (const r of await outbox.read(cls, 0, 10_000)) stored.add(r.seq);
      expect(accepted.filter((r) => !delivered.has(r.seq) && !stored.has(r.seq)).map((r) => r.seq)).toEqual([]);
    } finally {
      await outbox.close();
    }
  });
});
