/**
 * The README's install sequence, from the offline bundle into a root folder: build the bundle
 * (`agent/install/bundle.ts`), check its native binaries, unpack it and run `muck-agent install
 * --root` with no network (`unshare -n`), check the unit with `systemd-analyze verify`, then run
 * the unit's ExecStart as the service user (target.ts) on a pty owned by the serial group and
 * against a broker, ask `muck-agent status`, stop it with SIGTERM; upgrade and uninstall keep the
 * config and the outbox.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkBundleEntries, REQUIRED_BINARIES, tarEntries } from "../../agent/install/bundle-check.js";
import { execStart } from "../../agent/install/unit.js";
import { REPO_ROOT } from "../faults/agent-process.js";
import { driveEpoch } from "../e2e/nmea-drive.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { startAedes, type TestBroker } from "../mqtt/aedes-broker.js";
import { namespacesUsable, runInTarget, spawnInTarget } from "./target.js";

const systemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

let work: TempDir;
let tarball: string;

function requireTools(): void {
  const missing = [!namespacesUsable && "root with unshare -m and setpriv", !systemdAnalyze && "systemd-analyze (apt-get install systemd)"].filter(Boolean);
  if (missing.length === 0) return;
  const message = `install test needs ${missing.join(" and ")}`;
  if (process.env.CI === "true") throw new Error(message);
  process.stderr.write(`SKIPPED: ${message}\n`);
}

beforeAll(async () => {
  work = await makeTempDir("muck-install-");
  chmodSync(work.path, 0o755); // the service user walks down to the pty and the root folder
  const out = join(work.path, "dist");
  mkdirSync(out);
  const built = spawnSync(process.execPath, ["--import", "tsx", "agent/install/bundle.ts", "--out", out], { cwd: REPO_ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`bundle failed:\n${built.stdout}\n${built.stderr}`);
  tarball = built.stdout.split("\n")[0]!;
}, 600_000);
afterAll(async () => {
  await work?.remove();
});

describe("the offline bundle", () => {
  it("carries serialport's and classic-level's binaries for linux x64, arm64 and armv7, and no dev packages", () => {
    const entries = tarEntries(tarball);
    const check = checkBundleEntries(entries);
    expect(check.missing).toEqual([]);
    expect(check.found.map((f) => `${f.label} ${f.arch}`).sort()).toEqual(REQUIRED_BINARIES.map((r) => `${r.label} ${r.arch}`).sort());
    expect(entries).toContain("muck-agent/build/agent/cli/main.js");
    expect(entries).toContain("muck-agent/config/example.json");
    expect(entries.filter((e) => /node_modules\/(vitest|typescript|aedes|tsx)\/package\.json$/.test(e))).toEqual([]);
  });

  it("reports a missing binary", () => {
    const entries = tarEntries(tarball).filter((e) => !e.includes("classic-level/prebuilds/linux-arm/"));
    expect(checkBundleEntries(entries).missing.map((m) => `${m.label} ${m.arch}`)).toEqual(["classic-level linux armv7"]);
  });
});

describe("install into a root folder, then run as the service", () => {
  let root: string;
  let gps: PtyFixture | null = null;
  let broker: TestBroker | null = null;

  afterEach(async () => {
    await broker?.close();
    await gps?.close();
  });

  it("finds root, unshare, setpriv and systemd-analyze (fails in CI when missing)", () => {
    requireTools();
  });

  it.skipIf(!namespacesUsable || !systemdAnalyze)("installs offline, verifies the unit, runs it as the service user, upgrades and uninstalls", async () => {
    // A target system's root with its own account files, as an image being built has.
    root = join(work.path, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "opt/muck-agent"), { recursive: true });
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\ndialout:x:20:\n");

    // The documented sequence; with no network at all.
    execFileSync("unshare", ["-n", "tar", "-xzf", tarball, "-C", join(root, "opt/muck-agent"), "--strip-components=1"]);
    const installer = join(root, "opt/muck-agent/build/agent/cli/main.js");
    const installed = execFileSync("unshare", ["-n", process.execPath, installer, "install", "--root", root, "--node", process.execPath], { encoding: "utf8" });
    expect(installed).toMatch(/^created user muck \(uid 999, gid 999\) in group dialout$/m);

    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    expect(passwd).toContain("muck:x:999:999:muck-agent service:/var/lib/muck-agent:/usr/sbin/nologin\n");
    expect(readFileSync(join(root, "etc/group"), "utf8")).toContain("dialout:x:20:muck\n");
    const config = join(root, "etc/muck-agent/config.json");
    expect(readFileSync(config, "utf8")).toBe(readFileSync(join(REPO_ROOT, "config/example.json"), "utf8"));
    expect(statSync(config)).toMatchObject({ mode: 0o100640, uid: 0, gid: 999 });
    expect(statSync(join(root, "var/lib/muck-agent"))).toMatchObject({ mode: 0o40750, uid: 999, gid: 999 });
    const unitFile = join(root, "etc/systemd/system/muck-agent.service");
    expect(readlinkSync(join(root, "etc/systemd/system/multi-user.target.wants/muck-agent.service"))).toBe("/etc/systemd/system/muck-agent.service");

    const unit = readFileSync(unitFile, "utf8");
    const verify = spawnSync("systemd-analyze", ["verify", unitFile], { encoding: "utf8" });
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: "" });
    for (const line of ["User=muck", "SupplementaryGroups=dialout", "Restart=on-failure", "StateDirectory=muck-agent", "NoNewPrivileges=yes", "ProtectSystem=strict"]) {
      expect(unit).toContain(`\n${line}\n`);
    }
    const command = execStart(unit);
    expect(command).toEqual([process.execPath, "/opt/muck-agent/build/agent/cli/main.js", "run", "--config", "/etc/muck-agent/config.json"]);

    // The installer's edit: this truck, its receiver, the fleet's broker.
    gps = await createPtyFixture({ name: "gps" });
    chmodSync(join(gps.devicePath, ".."), 0o755);
    const tty = realpathSync(gps.devicePath);
    chownSync(tty, 0, 20); // a USB adapter's node: root:dialout, 0660
    chmodSync(tty, 0o660);
    broker = await startAedes();
    const edited = JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>;
    delete edited.scale;
    writeFileSync(config, JSON.stringify({
      ...edited,
      truckId: "TRK-INSTALL",
      gps: { path: gps.devicePath, epochIdleMs: 100 },
      mqtt: { url: broker.url, protocolVersion: 4, reconnectMinMs: 200, reconnectMaxMs: 500 },
      cadence: { minPeriodS: 1, minDistanceM: 5 },
      backfill: { minBacklog: 0 },
      status: { fileIntervalS: 1 },
    }, null, 2));

    const checked = await runInTarget(root, [process.execPath, "/opt/muck-agent/build/agent/cli/main.js", "config", "check", "/etc/muck-agent/config.json"], null);
    expect(checked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\/etc\/muck-agent\/config\.json: OK/) });

    const service = { uid: 999, gid: 999, groups: [20] };
    const agent = spawnInTarget(root, command, service);
    let logs = "";
    agent.stderr!.on("data", (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => agent.once("exit", (code, signal) => resolve({ code, signal })));
    try {
      for (let i = 0; broker.records("position").length < 3; i++) {
        if (i > 150) throw new Error(`no positions from the installed agent:\n${logs}`);
        await gps.device!.write(driveEpoch(i).map((s) => `${s}\r\n`).join(""));
        await sleep(100);
      }
      expect(broker.records("position")[0]).toMatchObject({ truckId: "TRK-INSTALL" });
      const ids = /^Uid:\s+(\d+).*\n(?:.*\n)*?Groups:\s*([\d ]*)$/m.exec(readFileSync(`/proc/${agent.pid}/status`, "utf8"));
      expect(ids?.[1]).toBe("999");
      expect(ids?.[2]!.trim().split(/\s+/)).toEqual(["20"]);
      await sleep(1200);

      const running = await runInTarget(root, [process.execPath, "/opt/muck-agent/build/agent/cli/main.js", "status", "--json"], null);
      expect(running.code).toBe(0);
      expect(JSON.parse(running.stdout)).toMatchObject({ state: "running", truckId: "TRK-INSTALL", pid: agent.pid, connected: true });
    } finally {
      agent.kill("SIGTERM");
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(logs).toContain('"msg":"agent stopped"');

    // Stopped: root asks, the store is read as its owner, and nothing in it becomes root's.
    const stopped = await runInTarget(root, [process.execPath, "/opt/muck-agent/build/agent/cli/main.js", "status", "--json"], null);
    expect(stopped.code).toBe(3);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ state: "stopped", source: "outbox" });
    const state = join(root, "var/lib/muck-agent");
    const owners = new Set(listTree(state).map((path) => lstatSync(path).uid));
    expect([...owners]).toEqual([999]);
    expect(existsSync(join(state, "outbox/CURRENT"))).toBe(true);

    // Upgrade: the same installer again keeps the edited config and the one user.
    const again = execFileSync(process.execPath, [installer, "install", "--root", root, "--node", process.execPath], { encoding: "utf8" });
    expect(again).toContain("kept user muck (uid 999, gid 999)");
    expect(again).toContain("kept /etc/muck-agent/config.json");
    expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ truckId: "TRK-INSTALL" });
    expect(readFileSync(join(root, "etc/passwd"), "utf8").match(/^muck:/gm)).toHaveLength(1);

    // Uninstall: the unit goes; the config and the outbox stay.
    const removed = execFileSync(process.execPath, [installer, "uninstall", "--root", root], { encoding: "utf8" });
    expect(removed).toContain("removed /etc/systemd/system/muck-agent.service");
    expect(existsSync(unitFile)).toBe(false);
    expect(existsSync(config)).toBe(true);
    expect(existsSync(join(state, "outbox/CURRENT"))).toBe(true);
  }, 120_000);
});

function listTree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...listTree(path)] : [path];
  });
}
