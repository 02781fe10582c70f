/**
 * Over the air through Debian's mosquitto (MQTT 5, persistence on): bundles pushed while the
 * truck is away and the broker restarted in between reach the truck when it returns, once each
 * even though its persistent session and the retained copies both deliver them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConfigAck } from "../../agent/ota/ack.js";
import type { Bundle } from "../../agent/ota/bundle.js";
import { pushBundle } from "../../agent/ota/push.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import {
  mosquittoPresent,
  requireMosquitto,
  startMosquitto,
  type Mosquitto,
} from "../mqtt/mosquitto.js";
import { generateFleetKeys, makeBundle, signed, speedZoneFile } from "./bundles.js";
import { startTruck, type Truck } from "./truck.js";

let dir: TempDir;
let gps: PtyFixture;
let broker: Mosquitto | null;
let truck: Truck | null;

beforeAll(() => requireMosquitto());
beforeEach(async () => {
  dir = await makeTempDir("muck-ota-mosquitto-");
  gps = await createPtyFixture({ name: "gps" });
  broker = null;
  truck = null;
});
afterEach(async () => {
  await truck?.stop();
  await broker?.stop();
  await gps.close();
  await dir.remove();
});

describe("over the air with mosquitto", () => {
  it.skipIf(!mosquittoPresent)(
    "a truck away during the pushes and a broker restart applies both bundles once when it returns",
    async () => {
      broker = await startMosquitto({ persistence: true });
      const keys = generateFleetKeys();
      writeFileSync(join(dir.path, "fleet.pub"), keys.publicKeyPem);
      const start = () =>
        startTruck({
          dir: dir.path,
          gpsPath: gps.devicePath,
          url: broker!.url,
          config: {
            mqtt: { url: broker!.url, protocolVersion: 5, reconnectMinMs: 100, reconnectMaxMs: 300 },
            ota: { publicKeyFile: join(dir.path, "fleet.pub") },
          },
        });

      // The acks, as a platform subscribed all along sees them.
      const platform = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      const acks: ConfigAck[] = [];
      platform.on("message", (_topic, payload) =>
        acks.push(JSON.parse(payload.toString()) as ConfigAck),
      );
      await platform.subscribeAsync("muck/+/config/ack", { qos: 1 });

      // Known to the broker (its session and subscriptions), then away.
      truck = await start();
      await waitFor(
        () => truck!.agent.status().uplink?.connected === true,
        10_000,
        "the truck connected",
      );
      await sleep(200);
      await truck.stop();
      truck = null;

      const push = (bundle: Bundle) =>
        pushBundle(bundle, JSON.stringify(bundle), {
          url: broker!.url,
          prefix: "muck",
          fleetTopic: "fleet",
          waitS: 0,
          expect: 1,
        });
      await push(signed(makeBundle(1, "fleet", { zones: speedZoneFile(30) }), keys));
      await push(
        signed(
          makeBundle(2, "truck:TRK-OTA", { settings: { detect: { speed: { defaultLimitKmh: 45 } } } }),
          keys,
        ),
      );
      await platform.endAsync();
      await broker.restart();

      const late = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
      late.on("message", (_topic, payload) => acks.push(JSON.parse(payload.toString()) as ConfigAck));
      await late.subscribeAsync("muck/+/config/ack", { qos: 1 });

      truck = await start();
      await waitFor(() => acks.length >= 2, 15_000, "two acks");
      await sleep(500);
      await late.endAsync();

      expect(acks.map((ack) => `${ack.channel} ${ack.result} ${ack.version}`).sort()).toEqual([
        "fleet applied 1",
        "truck applied 2",
      ]);
      expect(acks.at(-1)!.running).toEqual({ fleet: 1, truck: 2, zonesFrom: "fleet" });
      expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(45);
      expect(truck.agent.configInForce).toEqual({ fleet: 1, truck: 2, zonesFrom: "fleet" });
    },
    60_000,
  );
});
