/**
 * The operator's commands as an operator runs them (the real CLI in a child process): keygen,
 * bundle, sign, push — against a running truck on a real pty and an aedes broker, reading its ack.
 */
import { execFile } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../faults/agent-process.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { speedZoneFile } from "./bundles.js";
import { startTruck, type Truck } from "./truck.js";

const exec = promisify(execFile);
let dir: TempDir;
let gps: PtyFixture;
let broker: TestBroker;
let truck: Truck | null;

beforeEach(async () => {
  dir = await makeTempDir("muck-ota-cli-");
  gps = await createPtyFixture({ name: "gps" });
  broker = await startAedes();
  truck = null;
});
afterEach(async () => {
  await truck?.stop();
  await broker.close();
  await gps.close();
  await dir.remove();
});

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

async function cli(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--import", "tsx", "agent/cli/main.ts", ...args],
      { cwd: REPO_ROOT, env: { ...process.env, MUCK_LOG_LEVEL: "silent" } },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe("the operator's over-the-air commands", () => {
  it("keygen, bundle, sign and push: the truck applies the bundle and the push prints its ack", async () => {
    const at = (name: string) => join(dir.path, name);
    const keygen = await cli("config", "keygen", "--out", at("fleet"));
    expect(keygen.code).toBe(0);
    expect(statSync(at("fleet.key")).mode & 0o777).toBe(0o600);
    expect((await cli("config", "keygen", "--out", at("fleet"))).stderr).toMatch(
      /^muck-agent: USAGE: .*fleet\.key exists/,
    );

    truck = await startTruck({
      dir: dir.path,
      gpsPath: gps.devicePath,
      url: broker.url,
      config: { ota: { publicKeyFile: at("fleet.pub") } },
    });

    // A whole agent config as the settings: what may not travel is left out and named.
    writeFileSync(
      at("settings.json"),
      JSON.stringify({
        truckId: "ANY",
        mqtt: { url: "mqtt://elsewhere:1883" },
        detect: { speed: { defaultLimitKmh: 45 } },
      }),
    );
    writeFileSync(at("zones.geojson"), JSON.stringify(speedZoneFile(30)));
    const bundle = await cli(
      "config",
      "bundle",
      "--version",
      "3",
      "--truck",
      "TRK-OTA",
      "--settings",
      at("settings.json"),
      "--zones",
      at("zones.geojson"),
      "--out",
      at("bundle.json"),
    );
    expect(bundle).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("left out (local only): truckId, mqtt"),
    });
    expect(JSON.parse(readFileSync(at("bundle.json"), "utf8"))).toMatchObject({
      version: 3,
      target: "truck:TRK-OTA",
      settings: { detect: { speed: { defaultLimitKmh: 45 } } },
    });

    const sign = await cli("config", "sign", "--key", at("fleet.key"), at("bundle.json"));
    expect(sign).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/truck:TRK-OTA v3 signed by key [0-9a-f]{16}/),
    });

    expect(
      (await cli("config", "push", "--url", broker.url, "--fleet", at("bundle.json"))).stderr,
    ).toMatch(/USAGE: .* is for truck:TRK-OTA, not fleet/);
    const push = await cli(
      "config",
      "push",
      "--url",
      broker.url,
      "--truck",
      "TRK-OTA",
      "--wait",
      "10",
      at("bundle.json"),
    );
    expect(push.stdout).toBe(
      `pushed truck:TRK-OTA v3 to muck/TRK-OTA/config (retained, PUBACK received)\nTRK-OTA applied v3\n`,
    );
    expect(push.code).toBe(0);
    expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(45);
    expect(broker.received.find((m) => m.topic === "muck/TRK-OTA/config")).toMatchObject({
      retain: true,
      qos: 1,
    });

    // Altered after signing: the truck refuses it, the push prints why and exits 1.
    const altered = JSON.parse(readFileSync(at("bundle.json"), "utf8")) as { version: number };
    altered.version = 4;
    writeFileSync(at("altered.json"), JSON.stringify(altered));
    const refused = await cli(
      "config",
      "push",
      "--url",
      broker.url,
      "--truck",
      "TRK-OTA",
      "--wait",
      "10",
      at("altered.json"),
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /\nTRK-OTA rejected v4\n {2}signature:1: the signature does not match/,
    );
    expect(truck.agent.running.detect.speed.defaultLimitKmh).toBe(45);
    // Seven CLI runs, each a Node start with tsx: slow on a busy two-core machine.
  }, 120_000);

  it("config bundle refuses a zone file with errors and names each one", async () => {
    const zones = speedZoneFile(30, { kind: "speed_zones" });
    writeFileSync(join(dir.path, "zones.geojson"), JSON.stringify(zones, null, 2));
    const run = await cli(
      "config",
      "bundle",
      "--version",
      "1",
      "--fleet",
      "--zones",
      join(dir.path, "zones.geojson"),
      "--out",
      join(dir.path, "b.json"),
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/zones\.geojson:\d+: .*features\[0\]\.properties\.kind/);
    expect(run.stderr).toMatch(/^muck-agent: BUNDLE_INVALID: bundle not written: 1 problem/);
  });
});
