/**
 * Seeds of the fault tests: random per run unless MUCK_FAULT_SEED replays one, and always printed
 * first, so a failure in CI can be replayed exactly (same kill points, same outage schedule, same
 * truck time; only the machine's timing differs).
 */
import { randomInt } from "node:crypto";
import { seededRandom } from "../../simulator/prng.js";

export interface Seeded {
  seed: number;
  random: () => number;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
}

export function faultSeed(label: string): Seeded {
  const fromEnv = process.env.MUCK_FAULT_SEED;
  const seed = fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) >>> 0 : randomInt(2 ** 31);
  process.stderr.write(`${label}: seed ${seed} (replay with MUCK_FAULT_SEED=${seed})\n`);
  const random = seededRandom(seed);
  return { seed, random, between: (min, max) => min + Math.floor(random() * (max - min + 1)) };
}
