/**
 * SIGHUP with the real agent process (`node --import tsx agent/cli/main.ts run --print-records`)
 * on a pty with a truck driving, publishing to aedes: a broken file is refused with every error
 * and the agent runs on; a good file is applied between two fixes; the records printed before,
 * across and after the reloads form one gap-free sequence.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { AgentProcess } from "../faults/agent-process.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { Drive } from "./drive.js";
import { eventsOf, sequenceHoles, truckConfig } from "./truck.js";

let dir: TempDir;
let gps: PtyFixture;
let broker: TestBroker;
let drive: Drive | null;
let agent: AgentProcess | null;

beforeEach(async () => {
  dir = await makeTempDir("muck-sighup-");
  gps = await createPtyFixture({ name: "gps" });
  broker = await startAedes();
  drive = null;
  agent = null;
});
afterEach(async () => {
  await drive?.stop();
  await agent?.stop();
  await broker.close();
  await gps.close();
  await dir.remove();
});

/** The JSON log lines the agent wrote so far with this message. */
function logLines(process: AgentProcess, message: string): Array<Record<string, unknown>> {
  return process
    .logTail()
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((line) => line.msg === message);
}

describe("SIGHUP", () => {
  it("refuses a broken file with every error, applies a good one between two fixes, and loses no record", async () => {
    const configFile = join(dir.path, "truck.json");
    const base = truckConfig({
      dir: dir.path,
      gpsPath: gps.devicePath,
      url: broker.url,
      config: { log: { level: "info" } },
    });
    const speed = { minDurationS: 0, toleranceKmh: 0 };
    writeFileSync(configFile, JSON.stringify({ ...base, detect: { speed } }));

    const records: AgentRecord[] = [];
    agent = new AgentProcess(configFile, (line) => records.push(JSON.parse(line) as AgentRecord), {
      logLevel: "info",
    });
    await agent.waitForLog("agent started");
    drive = new Drive(gps.device!, 50);
    drive.start();
    await waitFor(
      () => records.filter((r) => r.kind === "position").length >= 3,
      15_000,
      "three positions",
    );

    // Two problems in one file: both are named, and the agent keeps its config.
    writeFileSync(
      configFile,
      JSON.stringify({
        ...base,
        gps: { ...(base.gps as object), baudRate: 12345 },
        detect: { speed: { ...speed, defaultLimitKmh: "30" } },
      }),
    );
    process.kill(agent.pid, "SIGHUP");
    await agent.waitForLog("config reload rejected; running config unchanged");
    const [refused] = logLines(agent, "config reload rejected; running config unchanged");
    expect(refused!.errors).toEqual([
      expect.stringContaining("gps.baudRate"),
      expect.stringContaining("detect.speed.defaultLimitKmh"),
    ]);
    const positionsAfterRefusal = records.filter((r) => r.kind === "position").length;
    await waitFor(
      () => records.filter((r) => r.kind === "position").length >= positionsAfterRefusal + 2,
      15_000,
      "positions after the refusal",
    );
    expect(eventsOf(records, "overspeed")).toEqual([]);

    // A good file: a 30 km/h limit (live) and a new keepalive (waits for the next start).
    writeFileSync(
      configFile,
      JSON.stringify({
        ...base,
        mqtt: { ...(base.mqtt as object), keepaliveS: 120 },
        detect: { speed: { ...speed, defaultLimitKmh: 30 } },
      }),
    );
    process.kill(agent.pid, "SIGHUP");
    await agent.waitForLog("config applied");
    expect(
      logLines(agent, "these settings changed in the local file and take effect at the next start")[0]!
        .keys,
    ).toEqual(["mqtt"]);
    await waitFor(
      () => eventsOf(records, "overspeed").length >= 1,
      15_000,
      "an overspeed event after the reload",
    );
    await waitFor(
      () => records.filter((r) => r.kind === "position").length >= positionsAfterRefusal + 5,
      15_000,
      "positions after the reload",
    );

    await drive.stop();
    expect(await agent.stop()).toEqual({ code: 0, signal: null });
    expect(eventsOf(records, "overspeed")[0]!.details).toMatchObject({ limitKmh: 30 });
    expect(sequenceHoles(records)).toEqual([]);
    expect(records[0]!.seq).toBe(1);
  });
});
