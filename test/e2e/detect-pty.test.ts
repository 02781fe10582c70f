/**
 * Detection in the running agent: NMEA on a real pseudo-terminal, violations decided on the
 * truck and published to a broker like every other record, detector state on disk.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent } from "../../agent/runtime.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { sign } from "../gps/nmea-helpers.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { driveEpoch } from "./nmea-drive.js";

let dataDir: TempDir;
let gps: PtyFixture;
let broker: TestBroker;
let agent: Agent | null;

beforeEach(async () => {
  dataDir = await makeTempDir("muck-detect-e2e-");
  gps = await createPtyFixture({ name: "gps" });
  broker = await startAedes();
  agent = null;
});
afterEach(async () => {
  await agent?.stop();
  await broker.close();
  await gps.close();
  await dataDir.remove();
});

describe("detection in the running agent", () => {
  it("publishes an overspeed episode, an open antenna and a cut body-lift wire as alarms, and keeps its state on disk", async () => {
    const config = AgentConfigSchema.parse({
      truckId: "TRK-DETECT",
      dataDir: dataDir.path,
      log: { level: "silent" },
      gps: { path: gps.devicePath, silenceTimeoutS: 5, epochIdleMs: 100 },
      mqtt: { url: broker.url, reconnectMinMs: 100, reconnectMaxMs: 300 },
      outbox: { syncIntervalMs: 20 },
      detect: { speed: { defaultLimitKmh: 40, minDurationS: 2, clearDurationS: 2 } },
      // The body-lift switch's value file is missing: a disconnected sensor.
      inputs: { bodyLift: { path: join(dataDir.path, "body-lift") } },
    });
    agent = new Agent(config);
    await agent.start();

    // 60 km/h for 5 s against 40 + 5, then 20 km/h: one episode, start and end.
    const speeds = [60, 60, 60, 60, 60, 20, 20, 20, 20, 20];
    for (const [i, speedKmh] of speeds.entries()) {
      await gps.device!.write(
        driveEpoch(i, speedKmh)
          .map((s) => `${s}\r\n`)
          .join(""),
      );
      await sleep(30);
    }
    await gps.device!.write(`${sign("$GNTXT,01,01,02,ANTSTATUS=OPEN")}\r\n`);
    await gps.device!.write(
      driveEpoch(10, 20)
        .map((s) => `${s}\r\n`)
        .join(""),
    );

    await waitFor(() => broker.records("event").length >= 4, 5000, "four event records");
    const all = broker
      .records("event")
      .map((r) => r.body as { type: string; details: { phase?: string; reason?: string } });
    expect(all.filter((e) => e.type === "sensor_fault").map((e) => e.details)).toEqual([
      {
        reason: "input_disconnected",
        sensor: "bodyLift",
        detail: expect.stringContaining("body-lift"),
        context: expect.any(Object),
      },
    ]);
    const events = all.filter((e) => e.type !== "sensor_fault");
    expect(events.map((e) => [e.type, e.details.phase ?? e.details.reason])).toEqual([
      ["overspeed", "start"],
      ["overspeed", "end"],
      ["gnss_fault", "antenna_open"],
    ]);
    // The first epoch may be cut by the port opening after the pty was written to.
    expect(events[0]).toMatchObject({
      severity: "alarm",
      startedAt: expect.stringMatching(/^2026-12-03T08:00:0[01]\.000Z$/),
      details: { limitKmh: 40 },
    });
    expect(existsSync(join(dataDir.path, "detect-state.json"))).toBe(true);
  });
});
