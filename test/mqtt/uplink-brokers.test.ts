/** The uplink against Debian's mosquitto (MQTT 5), over TLS, and against a broker that says it is busy. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../../agent/outbox.js";
import { Uplink, type UplinkOptions } from "../../agent/uplink.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { recordMaker } from "../outbox/records-fixture.js";
import { startAedes } from "./aedes-broker.js";
import { mosquittoPresent, requireMosquitto, startMosquitto } from "./mosquitto.js";
import { startPubackProxy } from "./puback-proxy.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let outbox: Outbox;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await makeTempDir("muck-brokers-");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await outbox.close();
  await dir.remove();
});

function startUplink(url: string, overrides: Partial<UplinkOptions> = {}): Uplink {
  const uplink = new Uplink(outbox, uplinkOptions(url, overrides));
  uplink.start();
  cleanups.push(() => uplink.stop(200));
  return uplink;
}

describe("uplink with mosquitto over MQTT 5", () => {
  it("finds mosquitto (fails in CI when it is missing)", () => {
    requireMosquitto();
  });

  it.skipIf(!mosquittoPresent)("delivers records in order to a subscriber, and delays the offline will", async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const subscriber = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: "platform" });
    cleanups.push(() => subscriber.endAsync());
    const got: Array<{ topic: string; body: Record<string, unknown>; at: number }> = [];
    subscriber.on("message", (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()), at: Date.now() }));
    await subscriber.subscribeAsync("muck/#", { qos: 1 });

    const proxy = await startPubackProxy(broker.port, 5);
    cleanups.push(() => proxy.close());
    const records = recordMaker(dir.path)(100);
    await Promise.all(records.map((r) => outbox.accept(r)));
    startUplink(proxy.url, { protocolVersion: 5, willDelayS: 1, reconnectMinMs: 10_000, reconnectMaxMs: 10_000 });

    await waitFor(() => outbox.depth === 0, 10_000, "outbox drained");
    await waitFor(() => got.filter((m) => m.topic.endsWith("/position")).length === 100, 5000, "subscriber got all");
    expect(got.filter((m) => m.topic.endsWith("/position")).map((m) => m.body.seq)).toEqual(records.map((r) => r.seq));

    const cutAt = Date.now();
    proxy.cut();
    await waitFor(() => got.some((m) => m.topic.endsWith("/status") && m.body.online === false), 5000, "offline will");
    const will = got.find((m) => m.topic.endsWith("/status") && m.body.online === false)!;
    expect(will.at - cutAt).toBeGreaterThanOrEqual(900); // willDelayS: 1 — a short drop stays quiet
  });
});

describe("uplink over TLS (mqtts://)", () => {
  function selfSignedCertificate(): { key: Buffer; cert: Buffer; certFile: string } {
    const keyFile = join(dir.path, "key.pem");
    const certFile = join(dir.path, "cert.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile,
    ], { stdio: "ignore" });
    return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
  }

  it("publishes when the broker's certificate chains to the configured CA, and refuses it otherwise", async () => {
    const tls = selfSignedCertificate();
    const broker = await startAedes({ tls });
    cleanups.push(() => broker.close());
    expect(broker.url.startsWith("mqtts://")).toBe(true);
    await Promise.all(recordMaker(dir.path)(5).map((r) => outbox.accept(r)));

    const unverified = startUplink(broker.url, { truckId: "TRK-NOCA" });
    await sleep(500);
    expect(unverified.stats().connects).toBe(0); // self-signed and no CA given: not trusted
    await unverified.stop(100);

    startUplink(broker.url, { caFile: tls.certFile });
    await waitFor(() => outbox.depth === 0, 5000, "drained over TLS");
    expect(broker.records("position")).toHaveLength(5);
  });
});

describe("uplink and a busy broker", () => {
  it("waits busyBackoffMs, not the short reconnect delay, after the broker refuses as unavailable", async () => {
    const attempts: number[] = [];
    let refuse = true;
    const broker = await startAedes({
      broker: {
        authenticate: (_client, _user, _password, done) => {
          attempts.push(Date.now());
          if (refuse) done(Object.assign(new Error("busy"), { returnCode: 3 }), false);
          else done(null, true);
        },
      },
    });
    cleanups.push(() => broker.close());

    startUplink(broker.url, { reconnectMinMs: 20, reconnectMaxMs: 40, busyBackoffMs: 600 });
    await sleep(1000);
    refuse = false;
    await waitFor(() => broker.received.some((m) => m.topic.endsWith("/status")), 5000, "connected");

    // Refused at ~0 ms: with the short delay there would be ~25 attempts in that second.
    expect(attempts.length).toBeLessThanOrEqual(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(600);
  });
});
