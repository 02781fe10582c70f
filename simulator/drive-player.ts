/**
 * Plays a generated drive into a virtual device: each epoch's sentences at the epoch's simulated
 * time, in real time or faster by the speed factor. The drive itself is computed by drive.ts.
 */
import { driveEpochs, type DriveEpoch, type DrivePlan } from "./drive.js";
import { epochSentences } from "./nmea-sentences.js";
import { startPlayer, type Player } from "./player.js";
import type { VirtualSerialDevice } from "./pty.js";
import type { SimClock } from "./sim-clock.js";

export interface DrivePlayOptions {
  /** Paces the epochs; share one clock with the scale player so load and drive stay in step. */
  clock: SimClock;
  /** Called with each epoch once its sentences are written (the demo's progress, tests). */
  onEpoch?: (epoch: DriveEpoch) => void;
}

export function playDrive(
  device: VirtualSerialDevice,
  plan: DrivePlan,
  options: DrivePlayOptions,
): Player {
  const { clock, onEpoch } = options;

  return startPlayer("drive", async (signal) => {
    for (const epoch of driveEpochs(plan)) {
      if (!(await clock.until(epoch.elapsedS, signal))) return;

      // One write per sentence: a receiver's burst arrives line by line, not as one block.
      for (const sentence of epochSentences(epoch)) await device.write(`${sentence}\r\n`);
      onEpoch?.(epoch);
    }
  });
}
