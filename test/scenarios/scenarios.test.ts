/**
 * The scenario folders, one loop: each folder's streams are generated from its scenario.json,
 * replayed through the real pipeline (drivers, fix gate, detectors, records) with its config, and
 * the event and trip records must be exactly those of expected.json — the same kinds in the same
 * order, with the key values given there (`{"$between": [low, high]}` for a measured number).
 * Adding a case is adding a folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { replayCaptures } from "../../agent/replay.js";
import { readScenario, writeStreams } from "./generate.js";

interface Expected {
  events: Array<Record<string, unknown>>;
  trips?: Array<Record<string, unknown>>;
}

const HERE = import.meta.dirname;
const NAMES = readdirSync(HERE).filter((name) => existsSync(join(HERE, name, "scenario.json")));
const scratch = mkdtempSync(join(tmpdir(), "muck-scenarios-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `{"$between": [a, b]}` anywhere in an expectation becomes a matcher for a ≤ value ≤ b. */
function matchers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(matchers);
  if (typeof value !== "object" || value === null) return value;
  const range = (value as { $between?: [number, number] }).$between;
  if (range !== undefined) {
    return {
      asymmetricMatch: (actual: unknown) =>
        typeof actual === "number" && actual >= range[0] && actual <= range[1],
      toString: () => `between ${range[0]} and ${range[1]}`,
    };
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, matchers(v)]));
}

export async function replayScenario(name: string): Promise<AgentRecord[]> {
  const dir = join(HERE, name);
  const out = mkdtempSync(join(scratch, `${name}-`));
  const files = writeStreams(readScenario(dir), out);
  const records: AgentRecord[] = [];
  await replayCaptures(
    {
      gpsFile: files.gps,
      scaleFile: files.scale,
      inputsFile: files.inputs,
      zonesFile: files.zones,
      configFile: join(dir, "config.json"),
      print: "records",
    },
    (record) => records.push(record as AgentRecord),
  );
  return records;
}

describe("muck-agent replay on a scenario", () => {
  it("prints the event and trip records with --print events", () => {
    const dir = join(HERE, "clean-trip");
    const files = writeStreams(readScenario(dir), mkdtempSync(join(scratch, "cli-")));
    const cli = join(HERE, "../../agent/cli/main.ts");
    const args = [
      "replay",
      "--gps",
      files.gps,
      "--scale",
      files.scale!,
      "--inputs",
      files.inputs!,
      "--zones",
      files.zones,
      "--config",
      join(dir, "config.json"),
      "--print",
      "events",
    ];
    const out = execFileSync(process.execPath, ["--import", "tsx", cli, ...args], {
      encoding: "utf8",
      env: { ...process.env, MUCK_LOG_LEVEL: "silent" },
    });

    const printed = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AgentRecord);
    expect(printed.map((r) => (r.kind === "trip" ? "trip" : r.body.type))).toEqual([
      "load",
      "zone_exit",
      "zone_enter",
      "unload",
      "trip",
    ]);
  });

  it("names a bad inputs line", () => {
    const dir = mkdtempSync(join(scratch, "bad-"));
    const files = writeStreams(readScenario(join(HERE, "clean-trip")), dir);
    writeFileSync(
      files.inputs!,
      '{"t":"2026-03-02T08:00:00.000Z","bodyLift":true}\n{"t":"2026-03-02T08:00:01.000Z","tailgate":true}\n',
    );
    return expect(
      replayCaptures({ gpsFile: files.gps, inputsFile: files.inputs, print: "events" }, () => undefined),
    ).rejects.toMatchObject({
      code: "CAPTURE_INVALID",
      message: expect.stringMatching(/inputs\.ndjson:2: unknown input "tailgate"/),
    });
  });
});

describe("scenarios", () => {
  it("has a scenario for every violation and a twin for every trap", () => {
    const traps = NAMES.filter((name) => name.startsWith("trap-"));
    expect(traps.length).toBeGreaterThanOrEqual(7);
    for (const trap of traps) expect(NAMES, trap).toContain(trap.replace(/^trap-/, "twin-"));
  });

  for (const name of NAMES) {
    it(name, async () => {
      const expected = JSON.parse(readFileSync(join(HERE, name, "expected.json"), "utf8")) as Expected;
      const records = await replayScenario(name);
      const events = records.filter((r) => r.kind === "event").map((r) => r.body);
      const trips = records.filter((r) => r.kind === "trip").map((r) => r.body);

      expect(events.map((e) => e.type)).toEqual(expected.events.map((e) => e.type));
      expected.events.forEach((want, i) =>
        expect(events[i], `event ${i}`).toMatchObject(matchers(want) as object),
      );
      expect(trips).toHaveLength(expected.trips?.length ?? 0);
      (expected.trips ?? []).forEach((want, i) =>
        expect(trips[i], `trip ${i}`).toMatchObject(matchers(want) as object),
      );

      // Every violation carries the seconds before it; none is silent about where it happened.
      for (const event of events.filter(
        (e) => e.severity === "alarm" && (e.details as Record<string, unknown>).phase !== "end",
      )) {
        expect((event.details as Record<string, unknown>).context, String(event.type)).toMatchObject({
          fixes: expect.any(Array),
        });
      }
    });
  }
});
