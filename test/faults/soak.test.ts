/**
 * (i) The soak, short: 4 truck hours at 200× (about 90 s) with every kind of outage, one of them
 * long enough to overflow a 4 MiB outbox. The week-long run is the same code:
 * `npx tsx test/faults/soak.ts --hours 168 --seed N` (README, "Fault-injection tests").
 */
import { describe, expect, it } from "vitest";
import { mosquittoPresent, requireMosquitto } from "../mqtt/mosquitto.js";
import { faultSeed } from "./seed.js";
import { diskLimitsMB, runSoak } from "./soak.js";

describe("soak of compressed truck time with outages", () => {
  it("finds mosquitto (fails in CI when it is missing)", () => {
    requireMosquitto();
  });

  const title = "keeps the oracle, accounts for every thinned record, and stays within disk and memory bounds";
  it.skipIf(!mosquittoPresent)(title, async () => {
    const { seed } = faultSeed("soak");
    const result = await runSoak({ hours: 4, seed });
    process.stderr.write(`soak: ${JSON.stringify(result)}\n`);

    expect(result.failures).toEqual([]);
    expect(Object.values(result.outages).every((count) => count >= 1)).toBe(true);
    expect(result.halfOpenDetected).toBeGreaterThanOrEqual(1);
    // The long outage overflowed the budget: records were thinned, only positions and weights,
    // and every one of them is accounted for by a thinned record the consumer received.
    expect(result.thinnedRecords).toBeGreaterThan(0);
    expect(result.accountedMissing).toBeGreaterThan(0);
    expect(result.accountedMissing).toBeLessThanOrEqual(result.thinnedRecords);
    expect(result.thinnedKinds.every((kind) => kind === "position" || kind === "weight")).toBe(true);

    // At rest the budget holds (give or take LevelDB's write buffer); compactions may briefly
    // need the store's size again (diskLimitsMB says why).
    const limits = diskLimitsMB(result.budgetMB);
    expect(result.offlineMedianDiskMB).toBeGreaterThan(result.budgetMB * 0.75);
    expect(result.offlineMedianDiskMB).toBeLessThanOrEqual(limits.atRest);
    expect(result.maxDiskMB).toBeLessThanOrEqual(limits.peak);
    expect(result.maxRssMB).toBeLessThan(200);
    // The agent's own books agree: with everything delivered its status says nothing waits
    // (they drifted below zero when thinning met a drain; thinning-counts.test.ts).
    expect(result.outboxAtEnd).toEqual({ events: 0, trips: 0, positions: 0, weights: 0 });
  }, 300_000);
});
