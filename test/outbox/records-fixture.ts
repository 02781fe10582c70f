/** Records for outbox and uplink tests, built by the real record factory and sequence store. */
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";

export function fixAt(second: number, lat = 31.24, lon = 121.47): Fix {
  return {
    time: new Date(Date.UTC(2026, 11, 3, 8, 0, second)).toISOString(),
    timeOfDay: null,
    lat,
    lon,
    speedKmh: 30,
    courseDeg: 90,
    altM: 5,
    geoidSepM: 8,
    hdop: 0.9,
    sats: 10,
    quality: "gps",
    mode: 3,
    valid: true,
    receivedAtMs: Date.now(),
    sources: ["GPRMC"],
  };
}

export function recordMaker(dataDir: string, truckId = "TRK-T1"): (count: number) => AgentRecord[] {
  const factory = new RecordFactory(truckId, SequenceStore.open(dataDir));
  let second = 0;
  return (count) => Array.from({ length: count }, () => factory.position(fixAt(second++ % 60)));
}
