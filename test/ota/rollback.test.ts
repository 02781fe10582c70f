/**
 * Probation with the real agent process: a bundle applied and then the agent killed (kill -9)
 * within `ota.probationS` — what a bundle that crashes the agent looks like from outside — is
 * rolled back at the next start, acked `rolled_back`, and refused when the broker delivers it
 * again, even with a SIGHUP reload in between; a newer bundle is taken and lifts the refusal;
 * after a clean stop, or once the trial has run out, a kill -9 rolls nothing back.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConfigAck } from "../../agent/ota/ack.js";
import type { Bundle } from "../../agent/ota/bundle.js";
import { pushBundle } from "../../agent/ota/push.js";
import { AgentProcess } from "../faults/agent-process.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { generateFleetKeys, makeBundle, signed } from "./bundles.js";
import { truckConfig } from "./truck.js";

let dir: TempDir;
let gps: PtyFixture;
let broker: TestBroker;
let agent: AgentProcess | null;

beforeEach(async () => {
  dir = await makeTempDir("muck-rollback-");
  gps = await createPtyFixture({ name: "gps" });
  broker = await startAedes();
  agent = null;
});
afterEach(async () => {
  await agent?.stop();
  await broker.close();
  await gps.close();
  await dir.remove();
});

describe("a bundle on probation", () => {
  it("is rolled back and refused after the agent dies soon after applying it", async () => {
    const keys = generateFleetKeys();
    writeFileSync(join(dir.path, "fleet.pub"), keys.publicKeyPem);
    const configFile = join(dir.path, "truck.json");
    const writeLocal = (probationS: number) => {
      const ota = { publicKeyFile: join(dir.path, "fleet.pub"), probationS };
      writeFileSync(configFile, JSON.stringify(truckConfig({ dir: dir.path, gpsPath: gps.devicePath, url: broker.url, config: { ota } })));
    };
    writeLocal(600);
    const stored = (name: string) => join(dir.path, "data", "ota", name);
    const versionStored = () => (JSON.parse(readFileSync(stored("truck.json"), "utf8")) as Bundle).version;
    const run = async () => {
      agent = new AgentProcess(configFile, () => undefined, { logLevel: "info" });
      await agent.waitForLog("connected to broker");
    };
    const acks = () => broker.received.filter((m) => m.topic === "muck/TRK-OTA/config/ack").map((m) => JSON.parse(m.payload) as ConfigAck);
    const verdicts = () => acks().map((ack) => `${ack.result} ${ack.version}`);
    const push = (bundle: Bundle) => pushBundle(bundle, JSON.stringify(bundle), { url: broker.url, prefix: "muck", fleetTopic: "fleet", waitS: 0, expect: 1 });
    const limit = (kmh: number) => ({ settings: { detect: { speed: { defaultLimitKmh: kmh } } } });

    await run();
    await push(signed(makeBundle(1, "truck:TRK-OTA", limit(50)), keys));
    await waitFor(() => acks().length === 1, 10_000, "the first ack");
    await agent!.stop();
    await run();

    // v2 on trial, then the agent dies: the next start goes back to v1 and refuses v2.
    await push(signed(makeBundle(2, "truck:TRK-OTA", limit(40)), keys));
    await waitFor(() => acks().length === 2, 10_000, "the ack of v2").catch((error: Error) => {
      throw new Error(`${error.message}: ${verdicts().join(", ")}\n${agent!.logTail()}`);
    });
    // A reload of the local file does not end the trial.
    process.kill(agent!.pid, "SIGHUP");
    await waitFor(() => acks().length === 3, 10_000, "the ack of the reload");
    expect(versionStored()).toBe(2);
    await agent!.kill9();
    await run();
    await waitFor(() => acks().length === 5, 10_000, "the rollback and the refusal").catch((error: Error) => {
      throw new Error(`${error.message}: ${verdicts().join(", ")}\n${agent!.logTail()}`);
    });
    expect(verdicts()).toEqual(["applied 1", "applied 2", "applied null", "rolled_back 2", "rejected 2"]);
    expect(acks()[3]!).toMatchObject({ running: { truck: 1 }, reason: expect.stringMatching(/ended abnormally within 600 s/) });
    expect(acks()[4]!.errors[0]!.message).toMatch(/^version 2 was refused/);
    expect(versionStored()).toBe(1);
    expect(existsSync(stored("refused.json"))).toBe(true);
    expect(agent!.seen("bundle on trial rolled back: the agent ended abnormally after applying it")).toBe(1);

    // A newer bundle is taken; a clean stop ends its trial, so the next start keeps it.
    await push(signed(makeBundle(3, "truck:TRK-OTA", limit(45)), keys));
    await waitFor(() => acks().length === 6, 10_000, "the ack of v3");
    expect(existsSync(stored("refused.json"))).toBe(false);
    expect(await agent!.stop()).toEqual({ code: 0, signal: null });
    await run();
    await agent!.waitForLog("starting from the stored bundle");
    expect(agent!.seen("bundle on trial rolled back: the agent ended abnormally after applying it")).toBe(0);
    expect(verdicts()).toEqual(["applied 1", "applied 2", "applied null", "rolled_back 2", "rejected 2", "applied 3"]);
    expect(acks().at(-1)!.running).toEqual({ fleet: null, truck: 3, zonesFrom: "local" });

    // A trial of 10 s (read at start) that has run out: a kill -9 afterwards is not the bundle's doing.
    await agent!.stop();
    writeLocal(10);
    await run();
    await push(signed(makeBundle(4, "truck:TRK-OTA", limit(35)), keys));
    await agent!.waitForLog("bundle passed its trial", 1, 20_000);
    await agent!.kill9();
    await run();
    expect(agent!.seen("bundle on trial rolled back: the agent ended abnormally after applying it")).toBe(0);
    expect(versionStored()).toBe(4);
    expect(verdicts().at(-1)).toBe("applied 4");
  }, 120_000);
});
