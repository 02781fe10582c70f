/**
 * The agent's health as an installer or a monitoring system reads it: how fresh the inputs are,
 * how much waits in the outbox, what was dropped, how the uplink fares.
 *
 * The running agent holds the LevelDB lock, so `muck-agent status` cannot open the store; instead
 * the agent writes this snapshot to `<dataDir>/status.json` every `status.fileIntervalS` (written
 * to a temporary file and renamed, so a reader never sees half of it) and once more, `running:
 * false`, when it stops. Times are absolute (ISO UTC); ages are worked out by the reader.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const STATUS_FILE = "status.json";

/** GPS fault kinds after which the sentence is still decoded: counted, but nothing was lost. */
const DECODED_ANYWAY = new Set(["noise", "doubleDollar", "spliced"]);

export interface HealthSnapshot {
  truckId: string;
  version: string;
  pid: number;
  running: boolean;
  startedAt: string;
  writtenAt: string;
  /** Gateway time of the last valid fix the receiver delivered; null: none since start. */
  lastFixAt: string | null;
  /** Gateway time of the last weight sample; null: none since start, or no scale configured. */
  lastScaleSampleAt: string | null;
  queue: {
    depth: number;
    byClass: Record<"events" | "trips" | "positions" | "weights", number>;
    oldestRecordAt: string | null;
  };
  drops: {
    /** Sentences dropped by the GPS driver (bad checksum, cut off, …). */
    gpsSentences: number;
    /** Fixes the gate kept from the cadence and the detectors, by reason. */
    fixesRejected: Record<string, number>;
    /** Records the outbox failed to store (a full disk). */
    recordsNotAccepted: number;
    /** Records thinned away to keep the outbox within its byte budget, by kind. */
    recordsThinned: Record<string, number>;
  };
  uplink: {
    connected: boolean;
    connects: number;
    reconnects: number;
    halfOpen: number;
    published: number;
    acknowledged: number;
    lastPubackAt: string | null;
  };
  devices: Record<string, string>;
}

export function droppedSentences(faults: Record<string, number> | undefined): number {
  let dropped = 0;
  for (const [kind, count] of Object.entries(faults ?? {})) if (!DECODED_ANYWAY.has(kind)) dropped += count;
  return dropped;
}

export function writeStatusFile(dataDir: string, snapshot: HealthSnapshot): void {
  const file = join(dataDir, STATUS_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(snapshot)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The last snapshot the agent wrote, or null when there is none (never started here). */
export function readStatusFile(dataDir: string): HealthSnapshot | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, STATUS_FILE), "utf8")) as HealthSnapshot;
  } catch {
    return null;
  }
}

/** Seconds from an ISO time to `nowMs`; null stays null. */
export function ageS(iso: string | null, nowMs: number): number | null {
  return iso === null ? null : Math.max(0, Math.round((nowMs - Date.parse(iso)) / 100) / 10);
}
