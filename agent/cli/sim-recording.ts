/**
 * `muck-agent sim --recording FILE`: plays a `muck-agent record` recording into virtual serial
 * devices with its original timing (simulator/recording-player.ts). As with a capture, the devices
 * stay after the last chunk until Ctrl-C or SIGTERM. Prints the device paths, one a line.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import type { Command } from "commander";

import { logger } from "../log.js";
import { VirtualSerialDevice } from "../../simulator/pty.js";
import type { RecordedPort } from "../../simulator/recording-format.js";
import { readRecording } from "../../simulator/recording-format.js";
import { playRecording } from "../../simulator/recording-player.js";
import { waitForStop } from "../../simulator/stop-signal.js";

export interface RecordingCliOptions {
  recording: string;
  gpsDevice: string;
  scaleDevice?: string;
  speedFactor: number;
  loop: boolean;
}

export function addRecordingOption(command: Command): Command {
  return command.option(
    "--recording <file>",
    "play a `muck-agent record` recording (raw bytes, original timing) into the GPS and scale devices",
  );
}

export async function runRecordingCommand(opts: RecordingCliOptions): Promise<void> {
  const log = logger("sim");
  const recording = await readRecording(opts.recording);
  const paths: Partial<Record<RecordedPort, string>> = {};
  if (recording.header.ports.gps !== undefined) paths.gps = opts.gpsDevice;
  if (recording.header.ports.scale !== undefined) {
    // Without --scale-device the scale goes beside the GPS device.
    paths.scale = resolve(opts.scaleDevice ?? join(dirname(opts.gpsDevice), "scale"));
  }

  const devices: Partial<Record<RecordedPort, VirtualSerialDevice>> = {};
  try {
    for (const [port, path] of Object.entries(paths) as [RecordedPort, string][]) {
      await mkdir(dirname(path), { recursive: true });
      devices[port] = await VirtualSerialDevice.create({ devicePath: path });
      process.stdout.write(`${port} ${path}\n`);
    }

    const player = playRecording(recording, devices, { speedFactor: opts.speedFactor, loop: opts.loop });
    let stopping = false;
    void player.done.then(() => stopping || log.info("recording played; the devices stay until Ctrl-C"));
    const reason = await waitForStop();
    stopping = true;
    log.info({ reason }, "stopping");
    await player.stop();
  } finally {
    await Promise.all(Object.values(devices).map((device) => device.close()));
  }
}
