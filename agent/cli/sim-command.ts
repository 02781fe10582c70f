/**
 * `muck-agent sim`: the truck's devices without the truck. Makes virtual serial devices
 * (pseudo-terminals behind stable symbolic links) and plays a GPS receiver and, optionally, a
 * weighing indicator on them until Ctrl-C. Point the agent's gps.path and scale.path at the
 * printed paths. Output (stdout), one device a line, then a config fragment:
 *
 *   gps /home/me/muck/sim/gps
 *   scale /home/me/muck/sim/scale ascii
 *   config {"gps":{"path":"…"},"scale":{"path":"…","protocol":"ascii","weight":"gross"}}
 */
import { resolve } from "node:path";

import { Command, InvalidArgumentError, Option } from "commander";

import type { ScaleProtocol } from "../../drivers/scale/registry.js";
import { SCALE_PROTOCOLS } from "../../drivers/scale/registry.js";
import { loadRouteFile } from "../../simulator/route.js";
import type { VirtualSerialDevice } from "../../simulator/pty.js";
import { openSimulation } from "../../simulator/simulation.js";
import { waitForStop } from "../../simulator/stop-signal.js";
import { logger } from "../log.js";
import { addFleetOptions, runFleetCommand, type FleetCliOptions } from "./sim-fleet.js";
import { addRecordingOption, runRecordingCommand } from "./sim-recording.js";

interface SimOptions extends FleetCliOptions {
  recording?: string;
  gpsDevice: string;
  scaleDevice?: string;
  scaleProtocol: ScaleProtocol;
  capture?: string;
  route?: string;
  speedFactor: number;
  rateHz: number;
  loop: boolean;
}

export function simCommand(): Command {
  const command = new Command("sim")
    .description(
      "simulate the GPS receiver and load-cell indicator on virtual serial devices the agent " +
        "opens like real ones; runs until Ctrl-C; kill -USR1 replugs the GPS, kill -USR2 the scale",
    )
    .option(
      "--gps-device <path>",
      "stable path of the simulated GPS: a symbolic link to a pseudo-terminal, re-pointed on replug",
      "./sim/gps",
    )
    .option("--scale-device <path>", "stable path of the simulated load-cell indicator (default: no scale)")
    .addOption(
      new Option("--scale-protocol <protocol>", "frame format of the simulated indicator")
        .choices(SCALE_PROTOCOLS)
        .default("ascii"),
    )
    .addOption(
      new Option("--capture <file>", "play this NMEA 0183 capture, paced by its own sentence times")
        .conflicts("route"),
    )
    .option(
      "--route <file>",
      "drive a round trip along this GeoJSON LineString (default: the built-in 5.6 km Shanghai route)",
    )
    .option(
      "--speed-factor <n>",
      "play N times faster than real time (a pseudo-terminal ignores the baud rate)",
      positive,
      1,
    )
    .option("--rate-hz <n>", "GPS epochs per second of a generated drive", positive, 1)
    .option("--loop", "start the capture or the round trip over when it ends", false)
    .action(runSim);
  return addFleetOptions(addRecordingOption(command));
}

async function runSim(opts: SimOptions): Promise<void> {
  if (opts.fleet !== undefined) return runFleetCommand({ ...opts, fleet: opts.fleet });
  if (opts.recording !== undefined) {
    return runRecordingCommand({ ...opts, recording: opts.recording, gpsDevice: resolve(opts.gpsDevice) });
  }

  const log = logger("sim");
  const gpsPath = resolve(opts.gpsDevice);
  const scalePath = opts.scaleDevice === undefined ? undefined : resolve(opts.scaleDevice);

  const simulation = await openSimulation({
    gpsDevicePath: gpsPath,
    scaleDevicePath: scalePath,
    scaleProtocol: opts.scaleProtocol,
    capture: opts.capture,
    route: opts.route === undefined ? undefined : await loadRouteFile(opts.route),
    speedFactor: opts.speedFactor,
    loop: opts.loop,
    trip: { rateHz: opts.rateHz },
  });
  printDevices(gpsPath, scalePath, opts.scaleProtocol);

  let stopping = false;
  void simulation.play().then(() => {
    if (!stopping) log.info("GPS playback finished; the devices stay until Ctrl-C");
  });
  const unbind = replugOnSignals(simulation.gps, simulation.scale);

  const reason = await waitForStop();
  stopping = true;
  log.info({ reason }, "stopping");
  unbind();
  await simulation.close();
}

/** SIGUSR1 replugs the GPS, SIGUSR2 the scale; returns what undoes the binding. */
function replugOnSignals(gps: VirtualSerialDevice, scale: VirtualSerialDevice | null): () => void {
  const log = logger("sim");
  const replug = (device: VirtualSerialDevice | null) => () => {
    if (device === null) return;
    log.info({ device: device.devicePath }, "replugging");
    device.replug().catch((error: unknown) => log.error({ err: (error as Error).message }, "replug failed"));
  };

  const onUsr1 = replug(gps);
  const onUsr2 = replug(scale);
  process.on("SIGUSR1", onUsr1);
  process.on("SIGUSR2", onUsr2);
  return () => {
    process.off("SIGUSR1", onUsr1);
    process.off("SIGUSR2", onUsr2);
  };
}

function printDevices(gpsPath: string, scalePath: string | undefined, protocol: ScaleProtocol): void {
  const lines = [`gps ${gpsPath}`];
  const config: Record<string, unknown> = { gps: { path: gpsPath } };

  if (scalePath !== undefined) {
    lines.push(`scale ${scalePath} ${protocol}`);
    // A SICS indicator reports net weight only; the agent must be told to use it.
    config.scale = { path: scalePath, protocol, weight: protocol === "sics" ? "net" : "gross" };
  }
  lines.push(`config ${JSON.stringify(config)}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

function positive(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidArgumentError("must be a positive number");
  }
  return value;
}
