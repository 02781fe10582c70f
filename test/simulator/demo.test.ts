/**
 * The demo end to end, as `npm start` runs it: its own process with an embedded broker, virtual
 * devices, the agent and the subscriber. It must print record lines, exit 0 on --duration and on
 * Ctrl-C, and leave no temp directory or socat process behind.
 */
import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";

import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { processesMentioning, spawnTs } from "./spawn.js";

let tmp: TempDir | null = null;

afterEach(async () => {
  await tmp?.remove();
  tmp = null;
});

/** What the demo made in TMPDIR and left there (tsx keeps its own cache there too). */
const demoDirs = (dir: string) => readdirSync(dir).filter((name) => name.startsWith("muck-demo-"));

const POSITION = /^\d\d:\d\d:\d\d {2}DEMO-001 #\d+ position {2}31\.\d{5},121\.\d{5} {2}(\d+\.\d) km\/h/m;
const WEIGHT = /^\d\d:\d\d:\d\d {2}DEMO-001 #\d+ weight {4}-?[\d,]+ kg {2}(stable|in motion)/m;

describe("demo", () => {
  it("prints position and weight lines from the broker's side and exits 0 after --duration", async () => {
    tmp = await makeTempDir("muck-demo-test-");
    const demo = spawnTs("simulator/demo.ts", ["--duration", "8"], { TMPDIR: tmp.path });

    const code = await demo.exited;

    expect(code, demo.stderr()).toBe(0);
    expect(demo.stdout()).toMatch(POSITION);
    expect(demo.stdout()).toMatch(WEIGHT);
    expect(demo.stdout()).toMatch(/DEMO-001 status +online/);
    expect(demoDirs(tmp.path)).toEqual([]);
    expect(processesMentioning(tmp.path)).toEqual([]);
  });

  it("stops cleanly on SIGINT once the truck is moving", async () => {
    tmp = await makeTempDir("muck-demo-test-");
    const demo = spawnTs("simulator/demo.ts", ["--speed-factor", "10"], { TMPDIR: tmp.path });

    const moving = () => [...demo.stdout().matchAll(new RegExp(POSITION, "gm"))].some((m) => Number(m[1]) > 0);
    await waitFor(moving, 20_000, "a position line with the truck moving");
    demo.child.kill("SIGINT");
    const code = await demo.exited;

    expect(code, demo.stderr()).toBe(0);
    expect(demo.stdout()).toMatch(/DEMO-001 #\d+ weight {4}12,3\d0 kg {2}stable/);
    expect(demoDirs(tmp.path)).toEqual([]);
    expect(processesMentioning(tmp.path)).toEqual([]);
  });
});
