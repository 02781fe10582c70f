/**
 * The simulated truck's devices, brought up together: a GPS receiver playing a capture or
 * driving a round trip, and optionally a weighing indicator following the trip's load. Used by
 * `muck-agent sim` and by the demo, which differ only in what they run beside it.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

import type { ScaleProtocol } from "../drivers/scale/registry.js";
import { logger } from "../agent/log.js";
import { playCapture, readCapture } from "./capture-player.js";
import { playDrive } from "./drive-player.js";
import type { Player } from "./player.js";
import { VirtualSerialDevice } from "./pty.js";
import { Route } from "./route.js";
import { playScale } from "./scale-player.js";
import { SimClock } from "./sim-clock.js";
import { muckTrip, SHANGHAI_ROUTE, type Trip, type TripOptions } from "./trip.js";

export interface SimulationOptions {
  /** Stable path of the GPS device; its directory is made when missing. */
  gpsDevicePath: string;
  /** Stable path of the scale device; no scale when absent. */
  scaleDevicePath?: string;
  /** Frame format of the simulated indicator; default ascii. */
  scaleProtocol?: ScaleProtocol;
  /** Play this NMEA capture instead of driving a route. */
  capture?: string;
  /** Drive a round trip along this route; default the built-in Shanghai route. */
  route?: Route;
  /** 1 = real time. Default 1. */
  speedFactor?: number;
  /** Repeat the capture or the round trip until stopped; default false. */
  loop?: boolean;
  /** Drive and scale details (epoch rate, start time, loading times, payload). */
  trip?: Omit<TripOptions, "loop">;
}

export interface Simulation {
  gps: VirtualSerialDevice;
  scale: VirtualSerialDevice | null;
  /** The drive and load being played; null when playing a capture. */
  trip: Trip | null;
  /**
   * Starts the players; resolves when the GPS playback has run out (never with loop). Separate
   * from opening, so the agent can open the devices before the first sentence is written.
   */
  play(): Promise<void>;
  /** Stops the players; the devices stay, so the agent can close its side first. Idempotent. */
  stop(): Promise<void>;
  /** Stops the players and closes the devices, removing their links. Idempotent. */
  close(): Promise<void>;
}

const log = logger("sim");

/** Opens the devices; nothing is written to them until `play()`. */
export async function openSimulation(options: SimulationOptions): Promise<Simulation> {
  const loop = options.loop ?? false;
  // Made once here so a bad speed factor is refused before any device exists.
  const speedFactor = new SimClock(options.speedFactor ?? 1).speedFactor;
  const captureGroups = options.capture === undefined ? null : await readCapture(options.capture);
  const route = options.route ?? new Route(SHANGHAI_ROUTE);
  const trip = captureGroups === null ? muckTrip(route, { ...options.trip, loop }) : null;
  const devices = await openDevices(options.gpsDevicePath, options.scaleDevicePath);

  const players: Player[] = [];
  let playing: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;
  let closing: Promise<void> | null = null;

  const start = (): Promise<void> => {
    if (stopping !== null) return Promise.resolve();
    const clock = new SimClock(speedFactor);
    const gpsPlayer =
      captureGroups === null
        ? playDrive(devices.gps, trip!.plan, { clock })
        : playCapture(devices.gps, captureGroups, { speedFactor: clock.speedFactor, loop });
    players.push(gpsPlayer);

    if (devices.scale !== null) {
      // Playing a capture there is no trip to follow; the indicator shows the default one's load.
      const profile = (trip ?? muckTrip(route, { loop: true })).profile;
      const protocol = options.scaleProtocol ?? "ascii";
      players.push(playScale(devices.scale, profile, { protocol, clock }));
    }
    const paths = { gps: devices.gps.devicePath, scale: devices.scale?.devicePath ?? null };
    log.info(paths, "simulation playing");
    return gpsPlayer.done;
  };

  const play = () => (playing ??= start());
  const stopPlayers = async () => {
    await Promise.all(players.map((player) => player.stop()));
  };
  const stop = () => (stopping ??= stopPlayers());
  const close = async () => {
    await stop();
    await Promise.all([devices.gps.close(), devices.scale?.close()]);
    log.info("simulation closed");
  };

  return { ...devices, trip, play, stop, close: () => (closing ??= close()) };
}

async function openDevices(
  gpsPath: string,
  scalePath: string | undefined,
): Promise<{ gps: VirtualSerialDevice; scale: VirtualSerialDevice | null }> {
  await mkdir(dirname(gpsPath), { recursive: true });
  const gps = await VirtualSerialDevice.create({ devicePath: gpsPath });
  if (scalePath === undefined) return { gps, scale: null };

  try {
    await mkdir(dirname(scalePath), { recursive: true });
    return { gps, scale: await VirtualSerialDevice.create({ devicePath: scalePath }) };
  } catch (error) {
    await gps.close();
    throw error;
  }
}
