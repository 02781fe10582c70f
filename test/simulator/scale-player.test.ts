/**
 * The simulated indicator over a real pseudo-terminal, read by the project's ScaleDriver on a
 * SerialSource as the agent reads a real one: SICS polls answered with the profile's weight,
 * continuous formats streamed at their rate.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import type { WeightSample } from "../../agent/contracts.js";
import { setLogLevel } from "../../agent/log.js";
import type { ScaleProtocol } from "../../drivers/scale/registry.js";
import { ScaleDriver, type ScaleDriverOptions } from "../../drivers/scale/scale-driver.js";
import type { Player } from "../../simulator/player.js";
import { playScale } from "../../simulator/scale-player.js";
import { ScaleProfile } from "../../simulator/scale-profile.js";
import { SimClock } from "../../simulator/sim-clock.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { openAgentSide, type AgentSide } from "./agent-side.js";

beforeAll(() => setLogLevel("silent"));

let fixture: PtyFixture | null = null;
let agent: AgentSide | null = null;
let driver: ScaleDriver | null = null;
let player: Player | null = null;

afterEach(async () => {
  driver?.stop();
  await player?.stop();
  await agent?.stop();
  await fixture?.close();
  fixture = agent = driver = player = null;
});

interface Reading {
  sample: WeightSample;
  /** The profile's own weight when the sample arrived. */
  profileKg: number;
}

/** Device, simulated indicator, and the agent's serial source and scale driver wired as in ScaleInput. */
async function wire(protocol: ScaleProtocol, profile: ScaleProfile, driverOptions: Partial<ScaleDriverOptions> = {}) {
  fixture = await createPtyFixture({ name: "scale" });
  agent = await openAgentSide(fixture.devicePath, "scale");
  const clock = new SimClock(1);

  // A reply counts as lost after two intervals; 150 ms keeps a loaded CI machine from losing one.
  const scaleDriver = new ScaleDriver({ protocol, pollIntervalMs: 150, ...driverOptions });
  driver = scaleDriver;
  const readings: Reading[] = [];
  agent.source.on("data", (chunk) => scaleDriver.push(chunk));
  scaleDriver.attach({ write: (data) => void agent!.source.write(data) });
  scaleDriver.on("sample", (sample) => readings.push({ sample, profileKg: profile.weightAt(clock.elapsedS()) }));

  player = playScale(fixture.device!, profile, { protocol, clock, rateHz: 20 });
  scaleDriver.start();
  return { readings, driver: scaleDriver };
}

const faultsOtherThan = (counters: Record<string, number>, allowed: string[]) =>
  Object.entries(counters).filter(([kind, count]) => count > 0 && !allowed.includes(kind));

describe("SICS indicator", () => {
  it("answers each SI poll with the profile's weight, stable, as net", async () => {
    const profile = new ScaleProfile({ points: [{ atS: 0, weightKg: 12_340 }] });
    const { readings, driver } = await wire("sics", profile, { sicsCommand: "SI", weight: "net" });

    await waitFor(() => readings.length >= 6, 3000, "six answered polls");

    expect(readings.every(({ sample }) => sample.weightKg === 12_340 && sample.stable && sample.kind === "net")).toBe(true);
    expect(faultsOtherThan(driver.counters(), [])).toEqual([]);
  });

  it("follows a ramp, reporting it in motion", async () => {
    // 1,000 kg/s for a minute: each answer must match the profile at the moment it arrives.
    const profile = new ScaleProfile({ points: [{ atS: 0, weightKg: 1_000 }, { atS: 60, weightKg: 61_000 }] });
    const { readings } = await wire("sics", profile, { sicsCommand: "SI", weight: "net" });

    await waitFor(() => readings.length >= 6, 3000, "six answered polls");

    for (const { sample, profileKg } of readings) {
      expect(sample.stable).toBe(false);
      // Answered a round trip before it arrived: a few ms, 300 ms on a loaded machine, at 1,000 kg/s.
      expect(profileKg - sample.weightKg).toBeGreaterThanOrEqual(-10);
      expect(profileKg - sample.weightKg).toBeLessThan(300);
    }
    const weights = readings.map(({ sample }) => sample.weightKg);
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
  });

  it("answers S with S I (busy) while the weight is in motion", async () => {
    const profile = new ScaleProfile({ points: [{ atS: 0, weightKg: 0 }, { atS: 60, weightKg: 60_000 }] });
    const { readings, driver } = await wire("sics", profile, { sicsCommand: "S", weight: "net" });

    await waitFor(() => driver.counters().busy >= 5, 3000, "five busy answers");
    expect(readings).toEqual([]);
    expect(faultsOtherThan(driver.counters(), ["busy"])).toEqual([]);
  });

  it("answers commands split across writes, skips blank lines, and says ES to anything else", async () => {
    const profile = new ScaleProfile({ points: [{ atS: 0, weightKg: 500 }] });
    fixture = await createPtyFixture({ name: "scale" });
    agent = await openAgentSide(fixture.devicePath, "scale");
    player = playScale(fixture.device!, profile, { protocol: "sics", clock: new SimClock(1) });

    for (const piece of ["S", "I\r", "\n\r\n", "XY\r\n", "SI\n"]) {
      await agent.source.write(Buffer.from(piece, "latin1"));
      await sleep(20);
    }
    const expected = `S S        500 kg\r\nES\r\nS S        500 kg\r\n`;
    await waitFor(() => agent!.bytes().length >= expected.length, 2000, "three replies");
    expect(agent.bytes().toString("latin1")).toBe(expected);
  });
});

describe.each(["ascii", "toledo"] as const)("%s indicator", (protocol) => {
  it("streams frames at its rate carrying the profile's weight, gross and stable", async () => {
    const profile = new ScaleProfile({ points: [{ atS: 0, weightKg: 8_000 }] });
    const { readings, driver } = await wire(protocol, profile);

    const startedMs = performance.now();
    await waitFor(() => readings.length >= 10, 3000, "ten frames");
    const tookMs = performance.now() - startedMs;

    expect(tookMs).toBeGreaterThan(300); // 20 Hz: ten frames take about half a second
    expect(readings.every(({ sample }) => sample.weightKg === 8_000 && sample.stable && sample.kind === "gross")).toBe(true);
    expect(faultsOtherThan(driver.counters(), ["partial"])).toEqual([]);
  });
});
