/**
 * The inputs reader against real value files in a temp directory, as the simulator drives them:
 * debounce, faults for a missing file and for garbage, recovery, and the stuck check.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InputsReader,
  type InputChange,
  type InputFault,
  type InputFaultCleared,
  type InputsOptions,
} from "../../drivers/inputs/inputs-reader.js";
import { ValueFileSource } from "../../drivers/inputs/value-file-source.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";

const POLL_MS = 20;

let dir: TempDir;
let reader: InputsReader | undefined;
beforeEach(async () => void (dir = await makeTempDir("muck-inputs-")));
afterEach(async () => {
  await reader?.stop();
  reader = undefined;
  await dir.remove();
});

interface Recorded {
  changes: InputChange[];
  faults: InputFault[];
  cleared: InputFaultCleared[];
}

function startReader(options: InputsOptions): Recorded {
  const recorded: Recorded = { changes: [], faults: [], cleared: [] };
  reader = new InputsReader(options);
  reader.on("change", (change) => recorded.changes.push(change));
  reader.on("fault", (fault) => recorded.faults.push(fault));
  reader.on("faultCleared", (cleared) => recorded.cleared.push(cleared));
  reader.start();
  return recorded;
}

const file = (name: string) => join(dir.path, name);
const level = (name: string, text: string) => writeFile(file(name), text);

describe("values", () => {
  it("reports the first settled value, then only debounced changes", async () => {
    await level("lift", "0\n");
    const { changes } = startReader({
      bodyLift: { path: file("lift"), pollMs: POLL_MS, debounceMs: 200 },
    });

    await waitFor(() => changes.length === 1, 2000, "first value");
    expect(changes[0]).toMatchObject({ input: "bodyLift", value: false, previous: undefined });
    expect(reader!.current()).toEqual({ bodyLift: false });

    // A 50 ms glitch (the body bouncing over a pothole) is not a dump.
    await level("lift", "1");
    await sleep(50);
    await level("lift", "0");
    await sleep(400);
    expect(changes).toHaveLength(1);

    // A change that holds 300 ms is reported, once.
    const raisedAtMs = Date.now();
    await level("lift", " 1 \n");
    await sleep(300);
    await waitFor(() => changes.length === 2, 1000, "the raise");
    await sleep(200);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({ input: "bodyLift", value: true, previous: false });
    expect(changes[1]!.atMs - raisedAtMs).toBeLessThan(150);
    expect(reader!.current()).toEqual({ bodyLift: true });
  });

  it("inverts an active-low switch and reads several inputs at once", async () => {
    await level("cover", "0");
    await level("ign", "1");
    const { changes } = startReader({
      cover: { path: file("cover"), activeHigh: false, pollMs: POLL_MS, debounceMs: 0 },
      ignition: { path: file("ign"), pollMs: POLL_MS, debounceMs: 0 },
    });

    await waitFor(() => changes.length === 2, 2000, "both values");
    expect(reader!.current()).toEqual({ cover: true, ignition: true });
  });
});

describe("faults", () => {
  it("reports a removed file once as disconnected, and recovers when it is back", async () => {
    await level("lift", "1");
    const { changes, faults, cleared } = startReader({
      bodyLift: { path: file("lift"), pollMs: POLL_MS, debounceMs: 60 },
    });
    await waitFor(() => changes.length === 1, 2000, "first value");

    await rm(file("lift"));
    await waitFor(() => faults.length === 1, 2000, "disconnected fault");
    await sleep(10 * POLL_MS);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ input: "bodyLift", kind: "disconnected" });
    expect(faults[0]?.detail).toContain(file("lift"));
    expect(reader!.current()).toEqual({});
    expect(reader!.faults()).toMatchObject([{ input: "bodyLift", kind: "disconnected" }]);

    await level("lift", "1");
    await waitFor(() => changes.length === 2, 2000, "value after recovery");
    expect(cleared).toMatchObject([{ input: "bodyLift", kind: "disconnected" }]);
    expect(cleared[0]!.durationMs).toBeGreaterThanOrEqual(10 * POLL_MS);
    expect(changes[1]).toMatchObject({ value: true, previous: undefined });
    expect(reader!.faults()).toEqual([]);
  });

  it("reports garbage as unreadable, quoting it, and a missing file after it as disconnected", async () => {
    await level("cover", "on");
    const { changes, faults, cleared } = startReader({
      cover: { path: file("cover"), pollMs: POLL_MS },
    });

    await waitFor(() => faults.length === 1, 2000, "unreadable fault");
    expect(faults[0]).toMatchObject({ input: "cover", kind: "unreadable" });
    expect(faults[0]?.detail).toMatch(/expected 0 or 1, found "on"/);
    expect(changes).toEqual([]);

    await rm(file("cover"));
    await waitFor(() => faults.length === 2, 2000, "disconnected fault");
    expect(cleared).toMatchObject([{ kind: "unreadable" }]);
    expect(faults[1]).toMatchObject({ kind: "disconnected" });

    await level("cover", "0");
    await waitFor(() => changes.length === 1, 2000, "value");
    expect(reader!.current()).toEqual({ cover: false });
  });

  it("reports a switch stuck after stuckAfterS without a change, and clears it on the next one", async () => {
    await level("lift", "0");
    const { faults, cleared } = startReader({
      bodyLift: { path: file("lift"), pollMs: POLL_MS, debounceMs: 0, stuckAfterS: 0.3 },
    });

    await waitFor(() => faults.length === 1, 2000, "stuck fault");
    expect(faults[0]).toMatchObject({ input: "bodyLift", kind: "stuck" });
    // A stuck switch still has a value: it is the value that cannot be trusted to change.
    expect(reader!.current()).toEqual({ bodyLift: false });

    await level("lift", "1");
    await waitFor(() => cleared.length === 1, 2000, "stuck cleared");
    expect(cleared[0]).toMatchObject({ input: "bodyLift", kind: "stuck" });
  });

  it("counts stuck time only while the ignition is on", async () => {
    await level("lift", "0");
    await level("ign", "0");
    const { faults } = startReader({
      bodyLift: { path: file("lift"), pollMs: POLL_MS, debounceMs: 0, stuckAfterS: 0.3 },
      ignition: { path: file("ign"), pollMs: POLL_MS, debounceMs: 0 },
    });

    await sleep(700);
    expect(faults).toEqual([]);

    await level("ign", "1");
    await waitFor(() => faults.length === 1, 2000, "stuck fault with the ignition on");
    expect(faults[0]).toMatchObject({ input: "bodyLift", kind: "stuck" });
  });
});

describe("options", () => {
  it("names the input and the option that is wrong", () => {
    expect(() => new InputsReader({ cover: {} })).toThrow(
      "input cover: path must be a value file path",
    );
    expect(() => new InputsReader({ bodyLift: { source: "gpio" } })).toThrow(
      /input bodyLift: line must be/,
    );
    expect(() => new InputsReader({ ignition: { path: "/x", pollMs: 0 } })).toThrow(
      /pollMs must be > 0/,
    );
  });

  it("reads nothing and reports nothing with no inputs configured", async () => {
    const { changes, faults } = startReader({});
    await sleep(50);
    expect([changes, faults, reader!.current()]).toEqual([[], [], {}]);
  });
});

describe("value files", () => {
  it("takes one empty read for a writer mid-write, and a file that stays empty as unreadable", async () => {
    await level("lift", "1");
    const source = new ValueFileSource(file("lift"));
    expect(await source.read()).toEqual({ ok: true, high: true });

    await level("lift", "");
    expect(await source.read()).toEqual({ ok: true, high: true });
    expect(await source.read()).toMatchObject({ ok: false, kind: "unreadable" });
  });
});
