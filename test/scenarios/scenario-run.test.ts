/**
 * Scenarios end to end through the real parts: virtual serial devices (socat ptys), the agent,
 * an aedes broker over TCP behind the cell link, and a subscriber on the platform's side — at
 * 60× and 100× real time, so a quarter of an hour of truck time takes seconds. And the command a CI job
 * runs, with its exit codes, including a deliberately wrong configuration that must fail.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileScenario } from "../../simulator/scenario/compile.js";
import { libraryFile } from "../../simulator/scenario/library.js";
import { loadScenario } from "../../simulator/scenario/load.js";
import { runScenario } from "../../simulator/scenario/run.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);
const CLI = join(import.meta.dirname, "../../agent/cli/main.ts");
let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-scenario-run-");
});
afterEach(async () => {
  await dir.remove();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, MUCK_LOG_LEVEL: "silent" };
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** 80 km/h on an open road for a minute and a half, where the law says 60. */
const OPEN_ROAD = `
description: 80 km/h on an open road for 90 s, where the law says 60.
start: 2026-03-02T08:00:00Z
truck: {id: TRK-TEST-01}
steps:
  - drive: [[0, 0], [500, 0]]
    speedKmh: 40
  - drive: [[2500, 0]]
    speedKmh: 80
  - drive: [[3000, 0]]
    speedKmh: 40
`;

describe("a scenario run on ptys with a broker", () => {
  it("catches the load, the detour and the unload through a pulled GPS, scale garbage and a broker outage", async () => {
    const compiled = await compileScenario(await loadScenario(libraryFile("faults-rig")));
    const result = await runScenario(compiled, { speedFactor: 60, logLevel: "silent" });

    const rows = result.verdict.rows.map((row) => [row.outcome, row.type]);
    const seen = result.received.filter((r) => r.record.kind === "event").map((r) => `${r.record.body.type}@${Math.round(r.raisedS)}`);
    expect(rows, `events received: ${seen.join(" ")}`).toEqual([
      ["caught", "load"],
      ["caught", "route_deviation"],
      ["caught", "unload"],
    ]);
    expect(result.verdict.passed).toBe(true);
    const events = result.received.filter((r) => r.record.kind === "event").map((r) => r.record.body);
    // The GPS adapter really was pulled: the agent put the hole on record.
    expect(events.map((e) => e.type)).toContain("gps_gap");
    const trips = result.received.filter((r) => r.record.kind === "trip").map((r) => r.record.body);
    expect(trips).toMatchObject([{ originSiteId: "SITE-A", destinationSiteId: "DUMP-B", endType: "unload" }]);
    // Everything came through the broker once (the reference consumer drops duplicates).
    expect(new Set(result.received.map((r) => r.record.id)).size).toBe(result.received.length);
  });

  it("dates an overspeed right from a receiver that missed the week rollover", async () => {
    const compiled = await compileScenario(await loadScenario(libraryFile("week-rollover")));
    const result = await runScenario(compiled, { speedFactor: 100, logLevel: "silent" });

    expect(result.verdict.rows.map((row) => [row.outcome, row.type])).toEqual([["caught", "overspeed"]]);
    const overspeed = result.verdict.rows[0]!.reported!.record;
    expect(overspeed.body.startedAt).toMatch(/^2026-03-02T08:00:2\d/);
  });
});

describe("muck-agent scenario run", () => {
  it("exits 1 and says MISSED when the agent's speed limit is set too high, with truth and verdict files", async () => {
    const file = join(dir.path, "too-high.yaml");
    await writeFile(file, `${OPEN_ROAD}agent:\n  config: {detect: {speed: {defaultLimitKmh: 100}}}\n`);
    const out = join(dir.path, "out");

    const result = await cli("scenario", "run", file, "--speed-factor", "100", "--out", out, "--no-progress");

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/overspeed\s+│\s+MISSED/);
    expect(result.stdout).toContain("too-high: 0 caught, 1 missed, 0 invented — FAIL");
    const verdict = JSON.parse(await readFile(join(out, "verdict.json"), "utf8")) as Record<string, unknown>;
    expect(verdict).toMatchObject({ passed: false, caught: 0, missed: 1, invented: 0 });
    const truth = (await readFile(join(out, "truth.ndjson"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(truth).toMatchObject([{ type: "overspeed", startedAt: "2026-03-02T08:00:46.000Z", details: { limitKmh: 60, maxSpeedKmh: 80 } }]);
    const records = (await readFile(join(out, "records.ndjson"), "utf8")).trim().split("\n");
    expect(records.length).toBeGreaterThan(5);
  });

  it("exits 1 and says INVENTED when the agent's limit is too low, 0 with the right one", async () => {
    const tooLow = join(dir.path, "too-low.yaml");
    await writeFile(tooLow, OPEN_ROAD.replace("speedKmh: 80", "speedKmh: 55") + "agent:\n  config: {detect: {speed: {defaultLimitKmh: 40}}}\n");
    const right = join(dir.path, "right.yaml");
    await writeFile(right, OPEN_ROAD);

    const low = await cli("scenario", "run", tooLow, "--replay");
    expect(low.code).toBe(1);
    expect(low.stdout).toMatch(/overspeed\s+│\s+INVENTED/);
    expect(low.stdout).toContain("0 caught, 0 missed, 1 invented — FAIL");

    const ok = await cli("scenario", "run", right, "--replay");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/overspeed\s+│\s+caught\s+│\s+5 s/);
    expect(ok.stdout).toContain("right: 1 caught, 0 missed, 0 invented — PASS");
  });

  it("exits 2 with SCENARIO_INVALID naming line and field; check lists every problem and exits 1", async () => {
    const file = join(dir.path, "bad.yaml");
    await writeFile(file, "description: bad\nstart: 2026-03-02T08:00:00Z\nsteps:\n  - drive: [siteA, nowhere]\n    speedKmh: 40\n  - stay: -1\n");

    const ran = await cli("scenario", "run", file, "--replay");
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("SCENARIO_INVALID");
    expect(ran.stderr).toContain("bad.yaml:6: steps[1].stay: too small");

    const checked = await cli("scenario", "check", file);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain("bad.yaml:6: steps[1].stay");

    const placeless = join(dir.path, "placeless.yaml");
    await writeFile(placeless, "description: x\nstart: 2026-03-02T08:00:00Z\nsteps:\n  - drive: [siteA, nowhere]\n    speedKmh: 40\n");
    const unknown = await cli("scenario", "check", placeless);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/SCENARIO_INVALID: steps\[0\]\.drive\[1\]: no place "nowhere"/);
  });
});
