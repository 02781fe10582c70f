/**
 * `muck-agent identity init`, the agent refusing an unsafe key, and `muck-agent verify` as an
 * operator runs them: real processes, real files, the registration `identity init` prints used
 * as the keys file.
 */
import { execFile, spawnSync } from "node:child_process";
import mqtt from "mqtt";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPrivateKey, trailSigner } from "../../agent/trail/identity.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { startAedes } from "../mqtt/aedes-broker.js";
import { honestRecords, publish, TRUCK } from "./stream.js";

const CLI = join(import.meta.dirname, "../../agent/cli/main.ts");
let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-identity-");
});
afterEach(async () => {
  await dir.remove();
});

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", env: { ...process.env, MUCK_LOG_LEVEL: "silent" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function init(...extra: string[]) {
  return cli("identity", "init", "--dir", join(dir.path, "id"), "--truck-id", TRUCK, "--plate", "沪A·12345", ...extra);
}

/** The registration line identity init prints, as a keys file. */
function keysFileFrom(stdout: string): string {
  const registration = stdout.split("\n").find((line) => line.startsWith("{"))!;
  const file = join(dir.path, "keys.json");
  writeFileSync(file, registration);
  return file;
}

describe("muck-agent identity init", () => {
  it("creates a 0600 private key and prints the public key, its fingerprint and the registration", () => {
    const { status, stdout } = init();
    expect(status).toBe(0);
    const keyFile = join(dir.path, "id", "identity.key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(stdout).toContain(readFileSync(join(dir.path, "id", "identity.pub"), "utf8"));
    expect(stdout).toMatch(/fingerprint {2}SHA256:([0-9a-f]{2}:){7}[0-9a-f]{2}/);

    const registration = JSON.parse(readFileSync(keysFileFrom(stdout), "utf8"));
    expect(registration[TRUCK].plate).toBe("沪A·12345");
    expect(registration[TRUCK].publicKeys[0]).toContain("BEGIN PUBLIC KEY");
    expect(loadPrivateKey(keyFile).asymmetricKeyType).toBe("ed25519");
  });

  it("refuses to overwrite a key without --force, and replaces it with --force", () => {
    init();
    const keyFile = join(dir.path, "id", "identity.key");
    const first = readFileSync(keyFile, "utf8");

    const again = init();
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("IDENTITY_EXISTS");
    expect(readFileSync(keyFile, "utf8")).toBe(first);

    const forced = init("--force");
    expect(forced.status).toBe(0);
    expect(readFileSync(keyFile, "utf8")).not.toBe(first);
    expect(forced.stdout).toMatch(/replaces +SHA256:/);
  });

  it("the agent refuses to start with a key others can read, naming the file", () => {
    init();
    const keyFile = join(dir.path, "id", "identity.key");
    chmodSync(keyFile, 0o644);
    const config = join(dir.path, "agent.json");
    writeFileSync(config, JSON.stringify({ truckId: TRUCK, dataDir: join(dir.path, "data"), identity: { keyFile } }));

    const { status, stderr } = cli("run", "--config", config);
    expect(status).toBe(2);
    expect(stderr).toContain(`IDENTITY_KEY_UNSAFE: identity key ${keyFile} is readable by others (mode 0644)`);
  });
});

describe("muck-agent verify --file", () => {
  it("passes what consume saved and printed, and fails a tampered file with exit 1 and the finding", () => {
    const { stdout } = init();
    const keys = keysFileFrom(stdout);
    const signer = trailSigner(loadPrivateKey(join(dir.path, "id", "identity.key")));
    const saved = join(dir.path, "saved.ndjson");
    const lines = publish(honestRecords(300), signer).map((m) => JSON.stringify({ topic: m.topic, payload: m.payload.toString("base64") }));
    writeFileSync(saved, `${lines.join("\n")}\n`);

    const clean = cli("verify", "--keys", keys, "--file", saved);
    expect(clean.status).toBe(0);
    const verdict = JSON.parse(clean.stdout.split("\n")[0]!);
    expect(verdict).toMatchObject({ truckId: TRUCK, tampered: false, missing: [], modified: [] });
    expect(verdict.verified).toBe(verdict.records);

    const printed = join(dir.path, "printed.ndjson");
    writeFileSync(printed, cli("consume", "--file", saved).stdout);
    expect(cli("verify", "--keys", keys, "--file", printed).status).toBe(0);

    const records = readFileSync(printed, "utf8").trim().split("\n");
    const tampered = records.map((line) => line.replace('"weightKg":', '"weightKg":1'));
    writeFileSync(printed, `${tampered.join("\n")}\n`);
    const caught = cli("verify", "--keys", keys, "--file", printed);
    expect(caught.status).toBe(1);
    expect(JSON.parse(caught.stdout.split("\n")[0]!).modified.length).toBeGreaterThan(0);
    expect(JSON.parse(caught.stdout.trim().split("\n").at(-1)!)).toEqual({ trucks: 1, tampered: [TRUCK] });
  }, 120_000);
});

describe("muck-agent verify --url", () => {
  it("verifies what queued for its persistent session while it was away, and finds a record changed on the way", async () => {
    const { stdout } = init();
    const keys = keysFileFrom(stdout);
    const signer = trailSigner(loadPrivateKey(join(dir.path, "id", "identity.key")));
    const broker = await startAedes();
    try {
      const verifyNow = (clientId: string) =>
        new Promise<{ code: number; stdout: string }>((resolve) =>
          execFile(process.execPath, ["--import", "tsx", CLI, "verify", "--keys", keys, "--url", broker.url, "--client-id", clientId, "--idle-exit", "1", "--duration", "15"], { env: { ...process.env, MUCK_LOG_LEVEL: "silent" } }, (error, out) =>
            resolve({ code: error === null ? 0 : Number(error.code), stdout: out }),
          ),
        );
      const messages = publish(honestRecords(120), signer);
      const sendAll = async (clientId: string, change: (m: (typeof messages)[number], i: number) => Buffer) => {
        const session = await mqtt.connectAsync(broker.url, { clientId, clean: false });
        await session.subscribeAsync("muck/+/+", { qos: 1 });
        await session.endAsync();
        const truck = await mqtt.connectAsync(broker.url, { clientId: TRUCK });
        for (const [i, m] of messages.entries()) await truck.publishAsync(m.topic, change(m, i), { qos: 1 });
        await truck.endAsync();
      };

      await sendAll("platform-honest", (m) => m.payload);
      const honest = await verifyNow("platform-honest");
      expect(honest.code).toBe(0);
      const verdict = JSON.parse(honest.stdout.split("\n")[0]!);
      expect(verdict).toMatchObject({ truckId: TRUCK, tampered: false, missing: [] });
      expect(verdict.verified).toBe(verdict.records);
      expect(verdict.records).toBeGreaterThan(100);

      const single = messages.findIndex((m) => !m.topic.endsWith("/batch") && m.payload.includes('"weightKg":'));
      expect(single).toBeGreaterThanOrEqual(0);
      await sendAll("platform-tampered", (m, i) => (i === single ? Buffer.from(m.payload.toString().replace('"weightKg":', '"weightKg":1')) : m.payload));
      const caught = await verifyNow("platform-tampered");
      expect(caught.code).toBe(1);
      expect(JSON.parse(caught.stdout.split("\n")[0]!).modified.length).toBe(1);
    } finally {
      await broker.close();
    }
  }, 60_000);
});
