/**
 * Test helpers for the scale driver: readings, chunking, and a driver that records what it emits.
 */
import type { WeightSample } from "../../agent/contracts.js";
import type { ScaleReading } from "../../drivers/scale/codec.js";
import type { ScaleProtocol } from "../../drivers/scale/registry.js";
import {
  ScaleDriver,
  type ScaleDriverOptions,
  type ScaleFaultEvent,
} from "../../drivers/scale/scale-driver.js";
import { seededRandom } from "../../simulator/prng.js";

export { seededRandom };

export function reading(weightKg: number, fields: Partial<ScaleReading> = {}): ScaleReading {
  const defaults = { kind: "gross", stable: true, overload: false, underload: false, error: false } as const;
  return { weightKg, ...defaults, ...fields };
}

/** The stream cut into chunks of 1..maxChunk bytes at random places. */
export function randomChunks(stream: Buffer, seed: number, maxChunk = 13): Buffer[] {
  const random = seededRandom(seed);
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(stream.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

export function byteByByte(stream: Buffer): Buffer[] {
  return [...stream].map((byte) => Buffer.from([byte]));
}

export interface RecordingDriver {
  driver: ScaleDriver;
  samples: WeightSample[];
  faults: ScaleFaultEvent[];
}

export function recordingDriver(
  protocol: ScaleProtocol,
  options: Partial<ScaleDriverOptions> = {},
): RecordingDriver {
  const driver = new ScaleDriver({ protocol, ...options });
  const samples: WeightSample[] = [];
  const faults: ScaleFaultEvent[] = [];
  driver.on("sample", (sample) => samples.push(sample));
  driver.on("fault", (fault) => faults.push(fault));
  return { driver, samples, faults };
}

/** Counters with only the non-zero kinds, so an assertion names exactly what was counted. */
export function nonZero(counters: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter(([, count]) => count !== 0));
}
