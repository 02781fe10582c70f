/**
 * The bundle store's trials, refusals and rollbacks on a real temporary folder: what is on disk
 * after each step, and what the next start makes of a trial left open (same boot: rolled back
 * and refused; another boot: the trial starts over).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { settleOpenTrials } from "../../agent/ota/probation.js";
import { BundleStore, sha256 } from "../../agent/ota/store.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

const V1 = '{"version":1}';
const V2 = '{"version":2}';
const V3 = '{"version":3}';
const FLEET = '{"version":7,"target":"fleet"}';
const BOOT = "boot-a";

let dir: TempDir;
let store: BundleStore;
const file = (name: string) => join(store.dir, name);

beforeEach(async () => {
  dir = await makeTempDir("muck-store-");
  store = new BundleStore(dir.path);
});
afterEach(() => dir.remove());

/** v1 stored and through its trial: the last-known-good. */
function passed(text: string, channel: "truck" | "fleet" = "truck"): void {
  store.beginTrial(channel, 1, text, BOOT);
  store.endTrial(channel);
}

describe("BundleStore trials", () => {
  it("keeps the predecessor during a trial and drops it once the bundle passed", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);

    expect(store.read("truck")).toBe(V2);
    expect(readFileSync(file("truck.previous.json"), "utf8")).toBe(V1);
    expect(store.trial("truck")).toEqual({ channel: "truck", version: 2, sha256: sha256(V2), bootId: BOOT });
    expect(store.trial("fleet")).toBeNull();

    store.endTrial("truck");
    expect(store.read("truck")).toBe(V2);
    expect(store.trial("truck")).toBeNull();
    expect(readdirSync(store.dir).sort()).toEqual(["truck.json"]);
  });

  it("rolls back to the last bundle that passed, not to one still on trial, and refuses the newest", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);
    store.beginTrial("truck", 3, V3, BOOT);

    expect(store.rollBack("truck", "crashed")?.version).toBe(3);
    expect(store.read("truck")).toBe(V1);
    expect(store.refusal("truck")).toEqual({ version: 3, sha256: sha256(V3), reason: "crashed" });
    expect(store.trial("truck")).toBeNull();
    expect(readdirSync(store.dir).sort()).toEqual(["refused.json", "truck.json"]);
  });

  it("rolls back to no bundle at all when the channel had none", () => {
    store.beginTrial("truck", 1, V1, BOOT);
    store.rollBack("truck", "crashed");
    expect(store.read("truck")).toBeNull();
    expect(existsSync(store.path("truck"))).toBe(false);
    expect(store.refusal("truck")?.sha256).toBe(sha256(V1));
  });

  it("reverts a bundle that failed to apply to the stored bundle and trial from before", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);
    const trialOfV2 = store.trial("truck");
    store.beginTrial("truck", 3, V3, BOOT);

    store.revert("truck", V2, trialOfV2);
    expect(store.read("truck")).toBe(V2);
    expect(store.trial("truck")).toEqual(trialOfV2);
    // v2's trial goes on: dying now still goes back to v1.
    store.rollBack("truck", "crashed");
    expect(store.read("truck")).toBe(V1);
    expect(store.refusal("truck")?.version).toBe(2);
  });

  it("reverts to no trial when none was open: the bundle before runs as it did", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);
    store.revert("truck", V1, null);
    expect(store.read("truck")).toBe(V1);
    expect(readdirSync(store.dir).sort()).toEqual(["truck.json"]);
  });

  it("keeps the channels apart", () => {
    passed(V1);
    passed(FLEET, "fleet");
    store.beginTrial("truck", 2, V2, BOOT);
    store.rollBack("truck", "crashed");
    expect(store.read("fleet")).toBe(FLEET);
    expect(store.refusal("fleet")).toBeNull();

    store.refuse("fleet", { version: 7, sha256: sha256(FLEET), reason: "test" });
    store.refuse("truck", null);
    expect(store.refusal("truck")).toBeNull();
    expect(store.refusal("fleet")?.version).toBe(7);
    store.refuse("fleet", null);
    expect(existsSync(file("refused.json"))).toBe(false);
  });

  it("writes its files with mode 0640 and leaves no temporary file", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);
    for (const name of readdirSync(store.dir)) expect(statSync(file(name)).mode & 0o777, name).toBe(0o640);
    expect(readdirSync(store.dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});

describe("trials left open at start", () => {
  it("rolls back and refuses every bundle on trial when the agent died on the same boot", () => {
    passed(V1);
    passed(FLEET, "fleet");
    store.beginTrial("truck", 2, V2, BOOT);
    store.beginTrial("fleet", 8, '{"version":8}', BOOT);

    const settled = settleOpenTrials(store, BOOT, 300);
    expect(settled.rolledBack.map((trial) => `${trial.channel} ${trial.version}`)).toEqual(["fleet 8", "truck 2"]);
    expect(settled.resumed).toEqual([]);
    expect([store.read("truck"), store.read("fleet")]).toEqual([V1, FLEET]);
    expect(store.refusal("truck")?.reason).toBe(
      "version 2 was refused: the agent ended abnormally within 300 s of applying it, so the previous truck config is back",
    );
    expect(store.refusal("fleet")?.sha256).toBe(sha256('{"version":8}'));
    // Nothing is left open: a second start has nothing to judge.
    expect(settleOpenTrials(store, BOOT, 300)).toEqual({ rolledBack: [], resumed: [] });
  });

  it("starts the trial over after the machine went down (another boot id), and judges it on that boot", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);

    const settled = settleOpenTrials(store, "boot-b", 300);
    expect(settled).toEqual({ rolledBack: [], resumed: [{ channel: "truck", version: 2, sha256: sha256(V2), bootId: "boot-b" }] });
    expect(store.read("truck")).toBe(V2);
    expect(store.refusal("truck")).toBeNull();

    // Died again on the new boot, still within the trial: now the bundle is to blame.
    expect(settleOpenTrials(store, "boot-b", 300).rolledBack.map((trial) => trial.version)).toEqual([2]);
    expect(store.read("truck")).toBe(V1);
  });

  it("blames the bundle when the boot id cannot be read", () => {
    store.beginTrial("truck", 2, V2, null);
    expect(settleOpenTrials(store, "boot-b", 300).rolledBack).toHaveLength(1);
    store.beginTrial("truck", 3, V3, BOOT);
    expect(settleOpenTrials(store, null, 300).rolledBack).toHaveLength(1);
  });

  it("finishes a rollback cut short after the refusal was written", () => {
    passed(V1);
    store.beginTrial("truck", 2, V2, BOOT);
    // What a cut right after the refusal leaves: the refusal, the trial still open, v2 stored.
    store.refuse("truck", { version: 2, sha256: sha256(V2), reason: "crashed" });

    settleOpenTrials(store, BOOT, 300);
    expect(store.read("truck")).toBe(V1);
    expect(store.refusal("truck")?.version).toBe(2);
    expect(readdirSync(store.dir).sort()).toEqual(["refused.json", "truck.json"]);
  });
});
