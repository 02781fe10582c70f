/** The demo subscriber's lines: one readable line per message, whatever arrives. */
import { describe, expect, it } from "vitest";

import { recordLine } from "../../simulator/record-line.js";

const AT = "2024-03-01T04:00:03.000Z";
const localClock = new Date(AT).toTimeString().slice(0, 8);

function record(kind: string, seq: number, body: Record<string, unknown>): string {
  return JSON.stringify({ id: `DEMO-001:${seq}`, truckId: "DEMO-001", seq, kind, gpsTime: AT, receivedAt: AT, schema: 1, body });
}

describe("recordLine", () => {
  it("shows a position as lat,lon with speed and course", () => {
    const payload = record("position", 17, { lat: 31.230411, lon: 121.473702, speedKmh: 42, courseDeg: 87.4 });
    expect(recordLine("muck/DEMO-001/position", payload)).toBe(
      `${localClock}  DEMO-001 #17 position  31.23041,121.47370  42.0 km/h  course 87°`,
    );
  });

  it("shows a weight with thousands separators and its motion and alarm flags", () => {
    const stable = record("weight", 18, { weightKg: 12_340, stable: true, overload: false, error: false });
    const moving = record("weight", 19, { weightKg: 51_000, stable: false, overload: true, error: false });

    expect(recordLine("muck/DEMO-001/weight", stable)).toBe(`${localClock}  DEMO-001 #18 weight    12,340 kg  stable`);
    expect(recordLine("muck/DEMO-001/weight", moving)).toMatch(/#19 weight {4}51,000 kg {2}in motion OVERLOAD$/);
  });

  it("shows an event's type, severity and details, without the device path", () => {
    const details = { path: "/dev/ttyUSB1", reason: "silence", durationS: 5.234 };
    const payload = record("event", 20, { type: "scale_gap", severity: "warning", startedAt: AT, details });
    expect(recordLine("muck/DEMO-001/event", payload)).toBe(
      `${localClock}  DEMO-001 #20 event     scale_gap warning  reason=silence  durationS=5.23`,
    );
  });

  it("shows the retained status and survives payloads that are not records", () => {
    const status = JSON.stringify({ truckId: "DEMO-001", online: false, at: AT });
    expect(recordLine("muck/DEMO-001/status", status)).toMatch(/DEMO-001 status +offline$/);
    expect(recordLine("muck/DEMO-001/position", "not json")).toBe("muck/DEMO-001/position  not json");
  });
});
