/**
 * Found by the fault-injection rig: an agent (re)started while a receiver is mid-burst reads a
 * first epoch whose RMC it missed — a GGA alone, so a fix without a date (`time: null`).
 *
 * BUG (agent/cadence.ts, PositionCadence.offer): for a fix without a date, the cadence takes the
 * gateway clock (`receivedAtMs`) as the fix's time and remembers it as the last recorded
 * position's time. Every later fix is timed by GPS; while GPS time is behind that gateway time,
 * `elapsedS` is negative and `isDue` returns false ("a repeated or out-of-order epoch") before
 * any other rule is looked at — distance, heading, speed change and the stop/move transition
 * included. Positions stop for as long as the gateway clock is ahead of GPS time: a second on a
 * synchronised gateway, hours or years on one whose clock a bad NTP answer set ahead
 * (agent/clock.ts names that case). Observed in the rig: 44 records in 10 s instead of ~2,700.
 *
 * Fixed in the agent; this test keeps it fixed.
 */
import { describe, expect, it } from "vitest";
import { PositionCadence } from "../../agent/cadence.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { decodeLines } from "../gps/nmea-helpers.js";
import { START_MS, epochNmea, truckAt } from "./truck-time.js";

const EPOCHS = 600; // one minute of a 10 Hz receiver, the truck driving at 36 km/h

/** u-blox order (RMC before GGA), read from just after the first epoch's RMC. */
function midstreamLines(): string[] {
  const lines: string[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const [gga, rmc] = epochNmea(truckAt(e)).split("\r\n");
    lines.push(rmc!, gga!);
  }
  return lines.slice(1);
}

describe("an agent that starts reading a receiver mid-burst", () => {
  // Was a bug: agent/cadence.ts PositionCadence.offer mixes the gateway clock into GPS time (see top).
  it("keeps recording positions when its first fix has no date and the gateway clock is an hour ahead", () => {
    const gatewayMs = START_MS + 3_600_000;
    const { fixes } = decodeLines(midstreamLines(), () => gatewayMs);
    expect(fixes[0]).toMatchObject({ time: null, valid: true });

    const cadence = new PositionCadence(AgentConfigSchema.parse({ truckId: "TRK-MIDSTREAM" }).cadence);
    const positions = fixes.filter((fix) => cadence.offer(fix));

    // Default cadence: 50 m at 10 m/s is a position every 5 s, so 12 in a minute of driving.
    expect(positions.length).toBeGreaterThanOrEqual(11);
  });

  it("records them when the first fix it reads has a date (the control case)", () => {
    const { fixes } = decodeLines(midstreamLines().slice(1), () => START_MS + 3_600_000);
    const cadence = new PositionCadence(AgentConfigSchema.parse({ truckId: "TRK-MIDSTREAM" }).cadence);
    expect(fixes.filter((fix) => cadence.offer(fix)).length).toBeGreaterThanOrEqual(11);
  });
});
