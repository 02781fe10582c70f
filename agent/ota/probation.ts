/**
 * The verdict, at start, on trials the last run left open: it ended without a clean stop while a
 * bundle was on trial. If the machine itself went down meanwhile (another boot id: a power cut,
 * the ignition, a reboot), the bundle is not to blame and its trial starts over. If the agent
 * alone ended on the same boot (a crash, kill -9, the OOM killer), every bundle on trial is rolled
 * back and refused: with two on trial, the truck cannot tell which one brought it down.
 */
import { readFileSync } from "node:fs";
import { logger } from "../log.js";
import type { Channel } from "./bundle.js";
import type { BundleStore, Trial } from "./store.js";

export interface OpenTrials {
  /** Put aside: the previous bundle of the channel runs, this one is refused. */
  rolledBack: Trial[];
  /** Carried into this run after the machine went down: on trial again, for a whole probation. */
  resumed: Trial[];
}

export const NO_OPEN_TRIALS: OpenTrials = { rolledBack: [], resumed: [] };

const CHANNELS: Channel[] = ["fleet", "truck"];
const log = logger("config");

export function settleOpenTrials(store: BundleStore, bootId: string | null, probationS: number): OpenTrials {
  const settled: OpenTrials = { rolledBack: [], resumed: [] };
  for (const channel of CHANNELS) {
    const trial = store.trial(channel);
    if (trial === null) continue;

    if (machineRestarted(trial.bootId, bootId)) {
      const resumed = { ...trial, bootId };
      store.putTrial(channel, resumed);
      settled.resumed.push(resumed);
      log.warn(
        { channel, version: trial.version },
        "bundle on trial when the machine went down: its trial starts over",
      );
      continue;
    }
    const reason =
      `version ${trial.version} was refused: the agent ended abnormally within ${probationS} s of ` +
      `applying it, so the previous ${channel} config is back`;
    store.rollBack(channel, reason);
    settled.rolledBack.push(trial);
    log.error(
      { channel, version: trial.version },
      "bundle on trial rolled back: the agent ended abnormally after applying it",
    );
  }
  return settled;
}

/** Unknown on either side (not Linux, /proc hidden) counts as the same boot: the bundle is blamed. */
function machineRestarted(then: string | null, now: string | null): boolean {
  return then !== null && now !== null && then !== now;
}

/** Linux's random id of this boot, or null where there is none. */
export function currentBootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}
