/**
 * The scenario library, one loop: every scenario in simulator/scenarios/ is generated, replayed
 * through the real pipeline (drivers, fix gate, detectors, records) with the config it builds,
 * and its event and trip records must be exactly those of its `expect` — the same kinds in the
 * same order, with the key values given there (`{"$between": [low, high]}` for a measured
 * number). The ground-truth verdict must pass as well: nothing missed, nothing invented.
 * Adding a case is adding a file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { replayCaptures } from "../../agent/replay.js";
import { compileScenario, type CompiledScenario } from "../../simulator/scenario/compile.js";
import { libraryFile, libraryNames } from "../../simulator/scenario/library.js";
import { loadScenario } from "../../simulator/scenario/load.js";
import { replayScenario, writeStreams } from "../../simulator/scenario/replay.js";
import { judge } from "../../simulator/scenario/verdict.js";

const NAMES = libraryNames();
const scratch = mkdtempSync(join(tmpdir(), "muck-scenarios-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `{"$between": [a, b]}` anywhere in an expectation becomes a matcher for a ≤ value ≤ b. */
function matchers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(matchers);
  if (typeof value !== "object" || value === null) return value;
  const range = (value as { $between?: [number, number] }).$between;
  if (range !== undefined) {
    return {
      asymmetricMatch: (actual: unknown) => typeof actual === "number" && actual >= range[0] && actual <= range[1],
      toString: () => `between ${range[0]} and ${range[1]}`,
    };
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, matchers(v)]));
}

async function compiled(name: string): Promise<CompiledScenario> {
  return compileScenario(await loadScenario(libraryFile(name)));
}

describe("muck-agent replay on a scenario", () => {
  it("prints the event and trip records with --print events", async () => {
    const files = await writeStreams(await compiled("clean-trip"), mkdtempSync(join(scratch, "cli-")));
    const cli = join(import.meta.dirname, "../../agent/cli/main.ts");
    const args = ["replay", "--gps", files.gps, "--scale", files.scale!, "--inputs", files.inputs!];
    args.push("--zones", files.zones, "--config", files.config, "--print", "events");
    const out = execFileSync(process.execPath, ["--import", "tsx", cli, ...args], {
      encoding: "utf8",
      env: { ...process.env, MUCK_LOG_LEVEL: "silent" },
    });

    const printed = out.trim().split("\n").map((line) => JSON.parse(line) as AgentRecord);
    expect(printed.map((r) => (r.kind === "trip" ? "trip" : r.body.type))).toEqual(["load", "zone_exit", "zone_enter", "unload", "trip"]);
  });

  it("names a bad inputs line", async () => {
    const files = await writeStreams(await compiled("clean-trip"), mkdtempSync(join(scratch, "bad-")));
    writeFileSync(
      files.inputs!,
      '{"t":"2026-03-02T08:00:00.000Z","bodyLift":true}\n{"t":"2026-03-02T08:00:01.000Z","tailgate":true}\n',
    );
    return expect(replayCaptures({ gpsFile: files.gps, inputsFile: files.inputs, print: "events" }, () => undefined)).rejects.toMatchObject({
      code: "CAPTURE_INVALID",
      message: expect.stringMatching(/inputs\.ndjson:2: unknown input "tailgate"/),
    });
  });
});

describe("scenario library", () => {
  it("has a normal day, a scenario for every violation and a twin for every trap", () => {
    const traps = NAMES.filter((name) => name.startsWith("trap-"));
    expect(traps.length).toBeGreaterThanOrEqual(7);
    for (const trap of traps) expect(NAMES, trap).toContain(trap.replace(/^trap-/, "twin-"));
    const violations = ["overspeed-route", "route-deviation", "illegal-dump", "overload", "spill", "no-go-entry", "outside-hours"];
    expect(NAMES).toEqual(expect.arrayContaining(["normal-day", ...violations, "uncovered-transport", "unauthorized-load"]));
  });

  for (const name of NAMES) {
    it(name, async () => {
      const scenario = await compiled(name);
      const reported = await replayScenario(scenario, mkdtempSync(join(scratch, `${name}-`)));
      const records = reported.map((r) => r.record);
      const events = records.filter((r) => r.kind === "event").map((r) => r.body);
      const trips = records.filter((r) => r.kind === "trip").map((r) => r.body);
      const expected = scenario.scenario.expect;

      if (expected !== undefined) {
        expect(events.map((e) => e.type)).toEqual(expected.events.map((e) => e.type));
        expected.events.forEach((want, i) => expect(events[i], `event ${i}`).toMatchObject(matchers(want) as object));
        expect(trips).toHaveLength(expected.trips?.length ?? 0);
        (expected.trips ?? []).forEach((want, i) => expect(trips[i], `trip ${i}`).toMatchObject(matchers(want) as object));
      }

      // Every violation carries the seconds before it; none is silent about where it happened.
      for (const event of events.filter((e) => e.severity === "alarm" && (e.details as Record<string, unknown>).phase !== "end")) {
        expect((event.details as Record<string, unknown>).context, String(event.type)).toMatchObject({ fixes: expect.any(Array) });
      }

      // What the agent decided, against what really happened. A receiver that missed the week
      // rollover is live-only: replay keeps a capture's dates by design (README, Limitations).
      if (scenario.scenario.receiver.weekRollover) return;
      const verdict = judge(scenario.truth, reported, scenario.timeline.startMs, scenario.scenario.verdict.maxLateS);
      const wrong = verdict.rows.filter((row) => row.outcome !== "caught").map((row) => `${row.outcome} ${row.type} at ${row.atS} s`);
      expect(wrong).toEqual([]);
    });
  }
});
