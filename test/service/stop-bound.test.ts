/** The stop bound with a stop that never ends (a wedged port's close); the clean path runs in status.test.ts. */
import { describe, expect, it } from "vitest";
import { stopWithin } from "../../agent/stop-bound.js";
import { captureLogs } from "../helpers/log-capture.js";

describe("stopWithin", () => {
  it("exits 1 with an error line when the stop outlasts the bound", async () => {
    const logs = captureLogs("info");
    const exits: number[] = [];
    await stopWithin({ stop: () => new Promise<void>(() => undefined) }, 50, (code) => exits.push(code));
    expect(exits).toEqual([1]);
    expect(logs.map((entry) => entry.msg)).toContain("stop did not finish in time; exiting without it (accepted records are already synced)");
  });

  it("does not exit on its own after a stop that finished", async () => {
    const exits: number[] = [];
    await stopWithin({ stop: async () => undefined }, 50, (code) => exits.push(code));
    expect(exits).toEqual([]);
  });
});
