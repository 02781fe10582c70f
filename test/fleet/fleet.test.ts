/**
 * A small fleet in CI: five trucks, each with its own agent (worker thread, LevelDB folder,
 * uplink), against Debian's mosquitto over TCP through the fleet's cell link, a consumer on the
 * broker, and one whole-fleet outage — reset connections in one run, a silent blackhole in the
 * other. The books must balance: everything accepted received, nothing twice, and every truck
 * back after the outage with its backlog delivered.
 */
import { afterEach, describe, expect, it } from "vitest";

import { runFleet, type FleetOptions } from "../../simulator/fleet/fleet-run.js";
import { exitCodeOf } from "../../simulator/fleet/fleet-report.js";
import { mosquittoPresent, requireMosquitto, startMosquitto, type Mosquitto } from "../mqtt/mosquitto.js";

let broker: Mosquitto | null = null;

afterEach(async () => {
  await broker?.stop();
  broker = null;
});

const TRUCKS = 5;

function options(url: string, more: Partial<FleetOptions>): FleetOptions {
  return {
    trucks: TRUCKS,
    brokerUrls: [url],
    durationS: 9,
    speedFactor: 1,
    recordPeriodS: 1,
    outageAtS: 2,
    outageS: 3,
    outageMode: "refuse",
    drainTimeoutS: 30,
    protocolVersion: 4,
    topicPrefix: "muck",
    // Quick to give up on a dead link and to retry, so the outage fits in seconds.
    agentConfig: { mqtt: { reconnectMinMs: 200, reconnectMaxMs: 2000, pubackTimeoutS: 2, connectTimeoutS: 2 } },
    logLevel: "silent",
    startConcurrency: 5,
    ...more,
  };
}

describe.runIf(mosquittoPresent || process.env.CI === "true")("sim --fleet against mosquitto", () => {
  it.each(["refuse", "blackhole"] as const)(
    "five trucks lose nothing through a whole-fleet outage (%s) and all come back",
    async (outageMode) => {
      requireMosquitto();
      broker = await startMosquitto();
      const result = await runFleet(options(broker.url, { outageMode }));

      expect(result.failures).toEqual([]);
      expect(result.started).toBe(TRUCKS);
      // About one record a second per truck while driving.
      expect(result.records.accepted).toBeGreaterThanOrEqual(TRUCKS * 5);
      expect(result.records.delivered).toBe(result.records.accepted);
      expect(result.records.lost).toBe(0);
      expect(result.records.queued).toBe(0);
      expect(result.records.foreign).toBe(0);
      expect(result.losses).toEqual({});

      // Every truck connected once at the start and once again after the restore.
      expect(result.connections.connects).toBeGreaterThanOrEqual(2 * TRUCKS);
      expect(result.outage?.reconnect?.trucks).toBe(TRUCKS);
      expect(result.outage?.recoveryS).not.toBeNull();
      expect(result.pubackLatency.count).toBeGreaterThanOrEqual(result.records.accepted - result.records.duplicates);
      expect(result.endToEndLatency.count).toBeGreaterThanOrEqual(result.records.delivered);
      expect(exitCodeOf(result)).toBe(0);
    },
    120_000,
  );
});
