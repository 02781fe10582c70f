/**
 * The secure uplink against Debian's mosquitto: a TLS listener that requires client certificates
 * from the fleet CA, certificates made by openssl for this run, the broker ACL the README gives,
 * and broker passwords from a file or the environment.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../../agent/outbox.js";
import { Uplink, type UplinkOptions } from "../../agent/uplink.js";
import { captureLogs, type LogEntry } from "../helpers/log-capture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { recordMaker } from "../outbox/records-fixture.js";
import { mosquittoPresent, requireMosquitto, startMosquitto, type Mosquitto } from "./mosquitto.js";
import { makeTestPki, type KeyPair, type TestPki } from "./tls-certs.js";
import { uplinkOptions } from "./uplink-options.js";

let dir: TempDir;
let outbox: Outbox;
let pki: TestPki;
let logs: LogEntry[];
const cleanups: Array<() => Promise<unknown>> = [];
// mosquitto started as root drops to its own user, which cannot read this run's 0700 folder.
const asRoot = process.getuid?.() === 0 ? ["user root"] : [];

beforeEach(async () => {
  dir = await makeTempDir("muck-tls-");
  pki = makeTestPki(dir.path);
  logs = captureLogs("trace");
  outbox = await Outbox.open(join(dir.path, "outbox"), { syncIntervalMs: 10 });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await outbox.close();
  await dir.remove();
});

async function tlsBroker(broker: KeyPair, extra: string[] = []): Promise<Mosquitto & { tlsUrl: string }> {
  const mosquitto = await startMosquitto({
    config: [
      ...asRoot,
      `cafile ${pki.caFile}`,
      `certfile ${broker.certFile}`,
      `keyfile ${broker.keyFile}`,
      "require_certificate true",
      "use_identity_as_username true",
      ...extra,
    ],
  });
  cleanups.push(() => mosquitto.stop());
  return { ...mosquitto, tlsUrl: `mqtts://127.0.0.1:${mosquitto.port}` };
}

function startUplink(url: string, overrides: Partial<UplinkOptions>): Uplink {
  const uplink = new Uplink(outbox, uplinkOptions(url, { protocolVersion: 5, ...overrides }));
  uplink.start();
  cleanups.push(() => uplink.stop(200));
  return uplink;
}

/** The platform's subscriber, with its own client certificate. */
async function platform(url: string, topic = "muck/#"): Promise<Array<{ topic: string; seq: unknown }>> {
  const cert = pki.client("platform");
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: "platform",
    ca: [readPem(pki.caFile)],
    cert: readPem(cert.certFile),
    key: readPem(cert.keyFile),
  });
  cleanups.push(() => client.endAsync());
  const got: Array<{ topic: string; seq: unknown }> = [];
  client.on("message", (t, payload) => got.push({ topic: t, seq: (JSON.parse(payload.toString()) as { seq?: unknown }).seq }));
  await client.subscribeAsync(topic, { qos: 1 });
  return got;
}

function readPem(file: string): string {
  return readFileSync(file, "utf8");
}

function connectionErrors(): string[] {
  return logs.filter((entry) => entry.msg === "broker connection failed").map((entry) => String(entry.err));
}

describe("mutual TLS with mosquitto", () => {
  it("finds mosquitto (fails in CI when it is missing)", () => {
    requireMosquitto();
  });

  it.skipIf(!mosquittoPresent)("delivers with the truck's certificate, and is refused without one or with a foreign one", async () => {
    const broker = await tlsBroker(pki.broker);
    const got = await platform(broker.tlsUrl);
    const records = recordMaker(dir.path)(5);
    await Promise.all(records.map((r) => outbox.accept(r)));

    const noCert = startUplink(broker.tlsUrl, { truckId: "TRK-NOCERT", caFile: pki.caFile });
    const rogue = startUplink(broker.tlsUrl, { truckId: "TRK-ROGUE", caFile: pki.caFile, ...pki.rogueClient });
    await waitFor(() => connectionErrors().length >= 2, 5000, "both refused");
    await sleep(300);
    expect(noCert.stats().connects).toBe(0);
    expect(rogue.stats().connects).toBe(0);
    expect(outbox.depth).toBe(5);
    await noCert.stop(100);
    await rogue.stop(100);

    const truck = startUplink(broker.tlsUrl, { truckId: "TRK-T1", caFile: pki.caFile, ...pki.client("TRK-T1") });
    await waitFor(() => outbox.depth === 0, 5000, "drained over mutual TLS");
    expect(truck.stats().connects).toBe(1);
    await waitFor(() => got.filter((m) => m.topic === "muck/TRK-T1/position").length === 5, 5000, "platform got all");
    expect(got.filter((m) => m.topic === "muck/TRK-T1/position").map((m) => m.seq)).toEqual(records.map((r) => r.seq));
  });

  it.skipIf(!mosquittoPresent)("reads the certificate and key again at every connection (rotation without a restart)", async () => {
    const broker = await tlsBroker(pki.broker);
    const files = { certFile: join(dir.path, "truck.crt"), keyFile: join(dir.path, "truck.key") };
    const install = (pair: KeyPair) => {
      writeFileSync(files.certFile, readFileSync(pair.certFile));
      writeFileSync(files.keyFile, readFileSync(pair.keyFile), { mode: 0o600 });
    };
    install(pki.client("TRK-T1"));
    const uplink = startUplink(broker.tlsUrl, { caFile: pki.caFile, ...files, reconnectMinMs: 100, reconnectMaxMs: 200 });
    await waitFor(() => uplink.stats().connects === 1, 5000, "first connection");

    // Files swapped for a certificate the broker does not trust: the next connection uses them.
    install(pki.rogueClient);
    await broker.restart();
    // The broker's TLS alert "unknown ca": it got the swapped certificate, not the first one.
    await waitFor(() => connectionErrors().some((err) => /unknown ca/.test(err)), 5000, "refused with the swapped files");
    expect(uplink.stats().connects).toBe(1);

    install(pki.client("TRK-T1"));
    await waitFor(() => uplink.stats().connects === 2, 5000, "back with the good files");
    await outbox.accept(recordMaker(dir.path)(1)[0]!);
    await waitFor(() => outbox.depth === 0, 5000, "delivered after the rotation");
  });

  it.skipIf(!mosquittoPresent)("refuses a broker whose certificate names another host", async () => {
    const broker = await tlsBroker(pki.misnamedBroker);
    await outbox.accept(recordMaker(dir.path)(1)[0]!);

    const uplink = startUplink(broker.tlsUrl, { caFile: pki.caFile, ...pki.client("TRK-T1") });
    await waitFor(() => connectionErrors().length >= 1, 5000, "refused");
    expect(connectionErrors()[0]).toMatch(/does not match|altnames/i);
    expect(uplink.stats().connects).toBe(0);
    expect(outbox.depth).toBe(1);
  });

  it.skipIf(!mosquittoPresent)("refuses a broker whose certificate the fleet CA did not sign, when no CA is configured", async () => {
    const broker = await tlsBroker(pki.broker);
    const uplink = startUplink(broker.tlsUrl, { ...pki.client("TRK-T1") }); // system CAs only
    await waitFor(() => connectionErrors().length >= 1, 5000, "refused");
    expect(connectionErrors()[0]).toMatch(/certificate/i);
    expect(uplink.stats().connects).toBe(0);
  });
});

describe("client key and password files", () => {
  it("refuses a key file group or others can read, naming its path", () => {
    const pair = pki.client("TRK-T1");
    chmodSync(pair.keyFile, 0o640);
    expect(() => new Uplink(outbox, uplinkOptions("mqtts://127.0.0.1:1", { caFile: pki.caFile, ...pair }))).toThrow(
      expect.objectContaining({ code: "SECRET_EXPOSED", message: expect.stringContaining(pair.keyFile) }),
    );
  });

  it("refuses a password file others can read, and an unset password variable", () => {
    const file = join(dir.path, "password");
    writeFileSync(file, "s3cret\n", { mode: 0o604 });
    expect(() => new Uplink(outbox, uplinkOptions("mqtt://127.0.0.1:1", { username: "u", passwordFile: file }))).toThrow(
      expect.objectContaining({ code: "SECRET_EXPOSED", message: expect.stringContaining(file) }),
    );
    expect(() => new Uplink(outbox, uplinkOptions("mqtt://127.0.0.1:1", { username: "u", passwordEnv: "MUCK_TEST_UNSET_PW" }))).toThrow(
      expect.objectContaining({ code: "SECRET_UNREADABLE", message: expect.stringContaining("MUCK_TEST_UNSET_PW") }),
    );
  });

  it.skipIf(!mosquittoPresent)("logs in with a password from a file or the environment, and never logs it", async () => {
    const password = "pw-7f3a-never-log-me";
    const passwd = join(dir.path, "passwd");
    writeFileSync(passwd, "");
    spawnSync("mosquitto_passwd", ["-b", passwd, "TRK-T1", password]);
    const broker = await startMosquitto({ config: [...asRoot, "allow_anonymous false", `password_file ${passwd}`] });
    cleanups.push(() => broker.stop());
    await Promise.all(recordMaker(dir.path)(3).map((r) => outbox.accept(r)));

    const file = join(dir.path, "mqtt-password");
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    const wrongFile = join(dir.path, "wrong-password");
    writeFileSync(wrongFile, "wrong-password-also-secret\n", { mode: 0o600 });
    const wrong = startUplink(broker.url, { username: "TRK-T1", passwordFile: wrongFile, truckId: "TRK-WRONG" });
    await waitFor(() => connectionErrors().length >= 1, 5000, "wrong password refused");
    expect(wrong.stats().connects).toBe(0);
    await wrong.stop(100);

    startUplink(`mqtt://TRK-T1:${password}@127.0.0.1:${broker.port}`, { username: "TRK-T1", passwordFile: file });
    await waitFor(() => outbox.depth === 0, 5000, "drained with the file's password");

    process.env.MUCK_TEST_PW = password;
    try {
      await outbox.accept(recordMaker(dir.path)(4)[3]!);
      const fromEnv = startUplink(broker.url, { username: "TRK-T1", passwordEnv: "MUCK_TEST_PW", truckId: "TRK-T1-ENV" });
      await waitFor(() => fromEnv.stats().connects === 1, 5000, "connected with the variable's password");
    } finally {
      delete process.env.MUCK_TEST_PW;
    }

    const logText = logs.map((entry) => JSON.stringify(entry)).join("\n");
    expect(logs.some((entry) => entry.msg === "connected to broker")).toBe(true);
    expect(logText).not.toContain(password);
    expect(logText).not.toContain("wrong-password-also-secret");
  });
});

describe("the fleet's broker ACL (README)", () => {
  it.skipIf(!mosquittoPresent)("lets a truck publish only under its own prefix and read only its config topics", async () => {
    const acl = join(dir.path, "acl");
    writeFileSync(acl, [
      // Patterns apply to every user; `topic` lines belong to the `user` line above them.
      // Each record topic by name, not muck/%u/#: that would let a truck write its own config bundle.
      ...["position", "weight", "event", "trip", "batch", "status", "config/ack"].map((kind) => `pattern write muck/%u/${kind}`),
      "pattern read muck/%u/config",
      "pattern read muck/fleet/config",
      "",
      "user platform",
      "topic readwrite muck/#",
      "",
    ].join("\n"));
    const broker = await tlsBroker(pki.broker, [`acl_file ${acl}`]);
    const got = await platform(broker.tlsUrl);

    const truck = pki.client("TRK-A");
    const options = { protocolVersion: 5 as const, ca: [readPem(pki.caFile)], cert: readPem(truck.certFile), key: readPem(truck.keyFile) };
    const client = await mqtt.connectAsync(broker.tlsUrl, { ...options, clientId: "TRK-A" });
    cleanups.push(() => client.endAsync());
    const heard: string[] = [];
    client.on("message", (topic) => heard.push(topic));
    await client.subscribeAsync(["muck/+/config", "muck/fleet/config", "muck/TRK-B/position"], { qos: 1 });

    await client.publishAsync("muck/TRK-A/position", JSON.stringify({ seq: 1 }), { qos: 1 }); // rejects if refused
    await client.publishAsync("muck/TRK-A/config/ack", JSON.stringify({ seq: 3 }), { qos: 1 });
    for (const topic of ["muck/TRK-B/position", "muck/TRK-A/config", "muck/fleet/config"]) {
      await expect(client.publishAsync(topic, JSON.stringify({ seq: 2 }), { qos: 1 }), topic).rejects.toMatchObject({
        code: 0x87, // not authorized
      });
    }

    const operator = pki.client("platform");
    const fleet = await mqtt.connectAsync(broker.tlsUrl, { ...options, clientId: "platform-pub", cert: readPem(operator.certFile), key: readPem(operator.keyFile) });
    cleanups.push(() => fleet.endAsync());
    for (const topic of ["muck/TRK-A/config", "muck/TRK-B/config", "muck/fleet/config", "muck/TRK-B/position"]) {
      await fleet.publishAsync(topic, JSON.stringify({ seq: 0 }), { qos: 1 });
    }

    await waitFor(() => got.some((m) => m.topic === "muck/fleet/config") && heard.length >= 2, 5000, "deliveries");
    await sleep(300);
    expect(got.map((m) => m.topic)).toContain("muck/TRK-A/position");
    expect(got.map((m) => m.topic)).toContain("muck/TRK-A/config/ack");
    expect(got.filter((m) => m.seq === 2)).toEqual([]); // the refused publishes never reached anyone
    // Overlapping subscriptions (muck/+/config and muck/fleet/config) may deliver a message twice.
    expect([...new Set(heard)].sort()).toEqual(["muck/TRK-A/config", "muck/fleet/config"]);
  });
});
