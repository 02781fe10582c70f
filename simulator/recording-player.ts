/**
 * Plays a `muck-agent record` recording back into virtual serial devices with its original
 * timing: each chunk is one write, at its recorded time (divided by the speed factor), so the
 * agent sees the same bytes in the same bursts with the same gaps. A recorded unplug hangs the
 * device up and the recorded reopen plugs it back in. With `loop` the recording starts over
 * one second after its last entry.
 */
import { startPlayer, type Player } from "./player.js";
import type { VirtualSerialDevice } from "./pty.js";
import type { RecordedPort, Recording } from "./recording-format.js";
import { SimClock } from "./sim-clock.js";

export interface RecordingPlayOptions {
  speedFactor?: number;
  loop?: boolean;
}

const LOOP_GAP_MS = 1000;

export function playRecording(
  recording: Recording,
  devices: Partial<Record<RecordedPort, VirtualSerialDevice>>,
  options: RecordingPlayOptions = {},
): Player {
  const clock = new SimClock(options.speedFactor ?? 1);
  const lengthMs = Math.max(recording.entries.at(-1)?.t ?? 0, recording.trailer?.t ?? 0);

  return startPlayer("recording", async (signal) => {
    let offsetMs = 0;
    do {
      // A pass that ended unplugged starts the next one with the device back.
      for (const device of Object.values(devices)) if (!device.plugged) await device.replug();

      for (const entry of recording.entries) {
        const device = devices[entry.port];
        if (device === undefined) continue;
        if (!(await clock.until((offsetMs + entry.t) / 1000, signal))) return;

        if ("data" in entry) await device.write(entry.data);
        else if (entry.event === "closed") await device.unplug("hangup");
        else if (!device.plugged) await device.replug();
      }
      offsetMs += lengthMs + LOOP_GAP_MS;
    } while (options.loop === true);
  });
}
