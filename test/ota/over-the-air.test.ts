/**
 * Over the air through a real broker (aedes over TCP): bundles pushed with the operator's code,
 * a running agent on a real pty with a truck driving, LevelDB and the last-known-good bundle on
 * disk, acks read back from the broker.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConfigAck } from "../../agent/ota/ack.js";
import type { Bundle } from "../../agent/ota/bundle.js";
import { pushBundle } from "../../agent/ota/push.js";
import type { FleetKeyPair } from "../../agent/ota/signature.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { generateFleetKeys, makeBundle, signed, speedZoneFile } from "./bundles.js";
import { Drive } from "./drive.js";
import { eventsOf, sequenceHoles, startTruck, type Truck } from "./truck.js";

const TRUCK = "TRK-OTA";
let dir: TempDir;
let gps: PtyFixture;
let broker: TestBroker;
let keys: FleetKeyPair;
let drive: Drive | null;
let trucks: Truck[];

beforeEach(async () => {
  dir = await makeTempDir("muck-ota-");
  gps = await createPtyFixture({ name: "gps" });
  broker = await startAedes();
  keys = generateFleetKeys();
  writeFileSync(join(dir.path, "fleet.pub"), keys.publicKeyPem);
  drive = null;
  trucks = [];
});
afterEach(async () => {
  await drive?.stop();
  for (const truck of trucks) await truck.stop();
  await broker.close();
  await gps.close();
  await dir.remove();
});

async function start(config: Record<string, unknown> = {}, url = broker.url): Promise<Truck> {
  const ota = { publicKeyFile: join(dir.path, "fleet.pub") };
  const truck = await startTruck({
    dir: dir.path,
    gpsPath: gps.devicePath,
    url,
    config: { ota, ...config },
  });
  trucks.push(truck);
  return truck;
}

function push(bundle: Bundle, url = broker.url): Promise<unknown> {
  return pushBundle(bundle, JSON.stringify(bundle), {
    url,
    prefix: "muck",
    fleetTopic: "fleet",
    waitS: 0,
    expect: 1,
  });
}

function acks(): ConfigAck[] {
  return broker.received
    .filter((m) => m.topic === `muck/${TRUCK}/config/ack`)
    .map((m) => JSON.parse(m.payload) as ConfigAck);
}

async function ackCount(count: number): Promise<ConfigAck> {
  await waitFor(() => acks().length >= count, 10_000, `${count} acks`);
  return acks()[count - 1]!;
}

const OVERSPEED_NOW = { minDurationS: 0, toleranceKmh: 0 };

describe("over the air", () => {
  it("applies a signed truck bundle between two fixes: the next fix is judged by the new limit, no record is lost", async () => {
    const truck = await start({ detect: { speed: OVERSPEED_NOW } });
    drive = new Drive(gps.device!, 50);
    drive.start();
    await waitFor(
      () => truck.records.filter((r) => r.kind === "position").length >= 3,
      10_000,
      "three positions",
    );

    const bundle = signed(makeBundle(1, `truck:${TRUCK}`, { zones: speedZoneFile(30) }), keys);
    await push(bundle);
    const ack = await ackCount(1);
    expect(ack).toMatchObject({
      truckId: TRUCK,
      channel: "truck",
      version: 1,
      result: "applied",
      errors: [],
      running: { truck: 1, fleet: null, zonesFrom: "truck" },
    });

    await waitFor(() => eventsOf(truck.records, "overspeed").length >= 1, 10_000, "an overspeed event");
    await drive.stop();
    await truck.stop();

    // Atomic between two fixes: the episode starts at the very first valid fix after the swap.
    const [episode] = eventsOf(truck.records, "overspeed");
    const firstAfter = truck.fixes.slice(truck.reconfiguredAt[0]).find((fix) => fix.valid)!;
    expect(episode!.startedAt).toBe(firstAfter.time);
    expect(episode!.details).toMatchObject({ limitKmh: 30, zoneId: "city" });
    expect(truck.fixes.slice(0, truck.reconfiguredAt[0]).length).toBeGreaterThan(3);

    expect(sequenceHoles(truck.records)).toEqual([]);
    expect(
      truck.records.some(
        (r) => r.kind === "position" && r.seq < truck.records.find((x) => x.kind === "event")!.seq,
      ),
    ).toBe(true);
    expect(readFileSync(join(dir.path, "data", "ota", "truck.json"), "utf8")).toBe(
      JSON.stringify(bundle),
    );
  });

  it("rejects an invalid zone file, a foreign signature and an unsigned bundle with every error, and keeps running as it was", async () => {
    const truck = await start();
    const badZones = speedZoneFile(30, { kind: "speed_zones", widthM: 20 });
    await push(
      signed(
        makeBundle(1, `truck:${TRUCK}`, { zones: badZones, settings: { gps: { path: "/dev/ttyS9" } } }),
        keys,
      ),
    );
    const invalid = await ackCount(1);
    expect(invalid).toMatchObject({ result: "rejected", version: 1, running: { truck: null } });
    expect(invalid.errors.map((e) => e.path).sort()).toEqual([
      "settings.gps",
      "zones.features[0].properties.kind",
      "zones.features[0].properties.widthM",
    ]);
    expect(invalid.errors.find((e) => e.path === "settings.gps")!.message).toMatch(
      /may not change over the air/,
    );

    const otherKeys = generateFleetKeys();
    await push(
      signed(
        makeBundle(2, `truck:${TRUCK}`, { settings: { detect: { speed: { defaultLimitKmh: 20 } } } }),
        otherKeys,
      ),
    );
    const foreign = await ackCount(2);
    expect(foreign).toMatchObject({
      result: "rejected",
      version: 2,
      errors: [{ path: "signature", message: expect.stringMatching(/but this truck trusts key/) }],
    });

    const tampered = signed(
      makeBundle(3, `truck:${TRUCK}`, { settings: { detect: { speed: { defaultLimitKmh: 80 } } } }),
      keys,
    );
    (tampered.settings!.detect as { speed: { defaultLimitKmh: number } }).speed.defaultLimitKmh = 20;
    await push(tampered);
    expect(await ackCount(3)).toMatchObject({
      result: "rejected",
      version: 3,
      errors: [{ path: "signature", message: expect.stringMatching(/does not match/) }],
    });

    await push(
      makeBundle(4, `truck:${TRUCK}`, { settings: { detect: { speed: { defaultLimitKmh: 20 } } } }),
    );
    expect(await ackCount(4)).toMatchObject({
      result: "rejected",
      version: 4,
      errors: [{ path: "signature", message: expect.stringMatching(/^unsigned/) }],
    });

    expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(60);
    expect(truck.agent.running.gps.path).toBe(gps.devicePath);
    expect(existsSync(join(dir.path, "data", "ota", "truck.json"))).toBe(false);
  });

  it("ignores an older version and the re-delivered running one, and answers the next", async () => {
    const truck = await start();
    const limit = (kmh: number) => ({ settings: { detect: { speed: { defaultLimitKmh: kmh } } } });
    const v5 = signed(makeBundle(5, `truck:${TRUCK}`, limit(50)), keys);
    await push(v5);
    expect(await ackCount(1)).toMatchObject({ result: "applied", version: 5 });

    await push(signed(makeBundle(4, `truck:${TRUCK}`, limit(40)), keys));
    expect(await ackCount(2)).toMatchObject({
      result: "ignored",
      version: 4,
      reason: expect.stringMatching(/not newer than the running version 5/),
      running: { truck: 5 },
    });
    await push(signed(makeBundle(5, `truck:${TRUCK}`, limit(45)), keys));
    expect(await ackCount(3)).toMatchObject({ result: "ignored", version: 5 });

    // The same bundle again (a reconnect re-delivers the retained one): no ack of its own.
    await push(v5);
    await push(signed(makeBundle(6, `truck:${TRUCK}`, limit(35)), keys));
    expect(await ackCount(4)).toMatchObject({ result: "applied", version: 6 });
    expect(acks().map((a) => `${a.result} ${a.version}`)).toEqual([
      "applied 5",
      "ignored 4",
      "ignored 5",
      "applied 6",
    ]);
    expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(35);
  });

  it("layers the fleet bundle over the local file and the truck bundle over both, key by key", async () => {
    const truck = await start({ detect: { speed: { toleranceKmh: 3 } } });
    await push(
      signed(
        makeBundle(1, "fleet", {
          settings: { detect: { speed: { defaultLimitKmh: 45, toleranceKmh: 4 } } },
          zones: speedZoneFile(40),
        }),
        keys,
      ),
    );
    expect(await ackCount(1)).toMatchObject({
      channel: "fleet",
      result: "applied",
      running: { fleet: 1, truck: null, zonesFrom: "fleet" },
    });

    await push(
      signed(
        makeBundle(1, `truck:${TRUCK}`, { settings: { detect: { speed: { toleranceKmh: 1 } } } }),
        keys,
      ),
    );
    expect(await ackCount(2)).toMatchObject({
      channel: "truck",
      result: "applied",
      running: { fleet: 1, truck: 1, zonesFrom: "fleet" },
    });
    expect(truck.agent.running.detect.speed).toMatchObject({ defaultLimitKmh: 45, toleranceKmh: 1 });

    // A fleet bundle for the wrong target on the fleet topic is refused by its signed target.
    const misrouted = signed(
      makeBundle(2, `truck:${TRUCK}`, { settings: { detect: { speed: { defaultLimitKmh: 10 } } } }),
      keys,
    );
    const text = JSON.stringify(misrouted);
    const client = await mqtt.connectAsync(broker.url);
    await client.publishAsync("muck/fleet/config", text, { qos: 1, retain: true });
    await client.endAsync();
    const acksNow = await ackCount(3);
    expect(acksNow).toMatchObject({
      channel: "fleet",
      result: "rejected",
      errors: [{ path: "target" }],
    });
    expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(45);
  });

  it("picks up a bundle pushed while the truck was offline, and starts from it with no network", async () => {
    const bundle = signed(
      makeBundle(7, `truck:${TRUCK}`, {
        settings: { detect: { speed: OVERSPEED_NOW } },
        zones: speedZoneFile(30),
      }),
      keys,
    );
    await push(bundle);

    const online = await start();
    expect(await ackCount(1)).toMatchObject({ result: "applied", version: 7 });
    await online.stop();
    trucks = [];
    await broker.close();

    // The broker is gone: the truck starts from its last-known-good bundle and judges by it.
    const offline = await start({}, "mqtt://127.0.0.1:1");
    expect(offline.agent.running.detect.speed).toMatchObject({ minDurationS: 0, toleranceKmh: 0 });
    drive = new Drive(gps.device!, 50);
    drive.start();
    await waitFor(
      () => eventsOf(offline.records, "overspeed").length >= 1,
      10_000,
      "an overspeed event offline",
    );
    expect(eventsOf(offline.records, "overspeed")[0]!.details).toMatchObject({
      limitKmh: 30,
      zoneId: "city",
    });
    broker = await startAedes();
  });
});
