/**
 * The config manager's side of probation, with the real start-up code and the bundle store on a
 * temporary folder. The agent is replaced by a small Reconfigurable that records the acks and can
 * refuse a config (a bundle that fails at apply), which a real agent cannot be made to do on cue.
 * A "crash" is a new start-up without the manager's clean stop.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConfigAck } from "../../agent/ota/ack.js";
import { ConfigManager, type Reconfigurable } from "../../agent/ota/config-manager.js";
import { loadStartupConfig, type StartupConfig } from "../../agent/ota/startup.js";
import { BundleStore } from "../../agent/ota/store.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { makeBundle } from "./bundles.js";
import { truckConfig } from "./truck.js";

const TRUCK_TOPIC = "muck/TRK-OTA/config";
const FLEET_TOPIC = "muck/fleet/config";
/** A limit the stand-in agent refuses to run with. */
const UNRUNNABLE_KMH = 13;

let dir: TempDir;
let configFile: string;
let acks: ConfigAck[];
let managers: ConfigManager[];

beforeEach(async () => {
  dir = await makeTempDir("muck-trial-");
  configFile = join(dir.path, "truck.json");
  writeLocal(10);
  acks = [];
  managers = [];
});
afterEach(async () => {
  for (const manager of managers) manager.stop();
  vi.useRealTimers();
  await dir.remove();
});

function writeLocal(probationS: number): void {
  const config = truckConfig({ dir: dir.path, gpsPath: "/dev/ttyGPS", url: "mqtt://127.0.0.1:1883", config: { ota: { probationS } } });
  writeFileSync(configFile, JSON.stringify(config));
}

/** A start as `muck-agent run` makes it; the previous manager is simply forgotten (a crash). */
async function start(): Promise<{ manager: ConfigManager; startup: StartupConfig }> {
  const startup = await loadStartupConfig(configFile);
  const agent: Reconfigurable = {
    reconfigure: (config) => {
      if (config.detect.speed.defaultLimitKmh === UNRUNNABLE_KMH) throw new Error("the stand-in agent refuses 13 km/h");
      return [];
    },
    publishRetained: (_topic, payload) => void acks.push(JSON.parse(payload) as ConfigAck),
    configInForce: null,
  };
  const manager = new ConfigManager(agent, startup.layers, startup.composed.zonesFrom, startup.publicKey, startup.trials);
  managers.push(manager);
  return { manager, startup };
}

function bundleText(version: number, limitKmh: number, target = "truck:TRK-OTA"): string {
  return JSON.stringify(makeBundle(version, target, { settings: { detect: { speed: { defaultLimitKmh: limitKmh } } } }));
}

const send = (manager: ConfigManager, topic: string, text: string) => manager.receive(topic, Buffer.from(text));
const verdicts = () => acks.map((ack) => `${ack.channel} ${ack.result} ${ack.version}`);
const store = () => new BundleStore(join(dir.path, "data"));

describe("probation in the config manager", () => {
  it("keeps the earlier bundle and its trial when a newer one fails at apply", async () => {
    const { manager } = await start();
    await send(manager, TRUCK_TOPIC, bundleText(1, 50));
    manager.stop();
    await send(manager, TRUCK_TOPIC, bundleText(2, 40));
    await send(manager, TRUCK_TOPIC, bundleText(3, UNRUNNABLE_KMH));

    expect(verdicts()).toEqual(["truck applied 1", "truck applied 2", "truck rejected 3"]);
    expect(acks[2]!.running.truck).toBe(2);
    expect(store().read("truck")).toBe(bundleText(2, 40));
    expect(store().trial("truck")?.version).toBe(2);

    // Dying now is dying with v2 on trial: back to v1, v2 refused (not v3, which never ran).
    const { startup } = await start();
    expect(startup.trials.rolledBack.map((trial) => trial.version)).toEqual([2]);
    expect(startup.layers.truck?.bundle.version).toBe(1);
    expect(startup.composed.config.detect.speed.defaultLimitKmh).toBe(50);
    expect(acks.at(-1)).toMatchObject({ channel: "truck", result: "rolled_back", version: 2, running: { truck: 1 } });
  });

  it("rolls back both channels when the agent dies with a fleet and a truck bundle on trial", async () => {
    const { manager } = await start();
    await send(manager, FLEET_TOPIC, bundleText(5, 60, "fleet"));
    await send(manager, TRUCK_TOPIC, bundleText(1, 50));
    expect(verdicts()).toEqual(["fleet applied 5", "truck applied 1"]);

    const { startup } = await start();
    expect(startup.layers.fleet).toBeNull();
    expect(startup.layers.truck).toBeNull();
    expect(verdicts().slice(2)).toEqual(["fleet rolled_back 5", "truck rolled_back 1"]);
    expect(acks.at(-1)!.running).toEqual({ fleet: null, truck: null, zonesFrom: "local" });
  });

  it("acks a refused bundle once a run, and lifts the refusal when a different bundle is applied", async () => {
    const first = await start();
    await send(first.manager, TRUCK_TOPIC, bundleText(1, 50));
    first.manager.stop();
    await send(first.manager, TRUCK_TOPIC, bundleText(2, 40));

    const { manager } = await start();
    await send(manager, TRUCK_TOPIC, bundleText(2, 40));
    await send(manager, TRUCK_TOPIC, bundleText(2, 40));
    expect(verdicts()).toEqual(["truck applied 1", "truck applied 2", "truck rolled_back 2", "truck rejected 2"]);
    expect(acks[3]!.errors[0]).toMatchObject({ file: TRUCK_TOPIC, found: "version 2 again" });

    // The same version re-made (other bytes) is a different bundle: taken, and the refusal lapses.
    await send(manager, TRUCK_TOPIC, bundleText(2, 45));
    expect(verdicts().at(-1)).toBe("truck applied 2");
    expect(store().refusal("truck")).toBeNull();
    expect(existsSync(join(store().dir, "refused.json"))).toBe(false);
    // The old bytes of v2 are now merely not newer.
    await send(manager, TRUCK_TOPIC, bundleText(2, 40));
    expect(verdicts().at(-1)).toBe("truck ignored 2");
  });

  it("ends the trial after ota.probationS as read at start, through a SIGHUP that changes it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { manager } = await start();
    await send(manager, TRUCK_TOPIC, bundleText(1, 50));
    vi.advanceTimersByTime(5_000);
    writeLocal(600);
    expect(await manager.reloadLocal()).toBe(true);
    expect(verdicts()).toEqual(["truck applied 1", "local applied null"]);
    vi.advanceTimersByTime(4_999);
    expect(store().trial("truck")?.version).toBe(1);
    vi.advanceTimersByTime(1);
    expect(store().trial("truck")).toBeNull();

    // A bundle after the reload is on trial as long as one before it: ota takes a restart.
    await send(manager, TRUCK_TOPIC, bundleText(2, 40));
    expect(existsSync(join(store().dir, "truck.previous.json"))).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(store().trial("truck")).toBeNull();
    expect(existsSync(join(store().dir, "truck.previous.json"))).toBe(false);

    // Passed: a death now is not the bundle's doing.
    const { startup } = await start();
    expect(startup.trials).toEqual({ rolledBack: [], resumed: [] });
    expect(startup.layers.truck?.bundle.version).toBe(2);
  });

  it("restarts the timer of a trial carried over a power cut", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { manager } = await start();
    await send(manager, TRUCK_TOPIC, bundleText(1, 50));
    // What a power cut looks like on disk: the trial open, begun on another boot.
    const trialFile = join(store().dir, "truck.trial.json");
    writeFileSync(trialFile, JSON.stringify({ ...JSON.parse(readFileSync(trialFile, "utf8")), bootId: "a-boot-before" }));

    const { startup } = await start();
    expect(startup.trials.resumed.map((trial) => trial.version)).toEqual([1]);
    expect(startup.layers.truck?.bundle.version).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(store().trial("truck")).toBeNull();
  });
});
