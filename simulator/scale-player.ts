/**
 * Plays a weighing indicator into a virtual device, showing a scale profile's weight.
 *
 * Continuous formats (ascii, toledo) send a frame `rateHz` times a second unasked, as such
 * indicators do. SICS is polled: the indicator stays silent until the agent writes a command
 * line, then answers it at once — `SI` with the current weight (`S S` stable, `S D` in motion),
 * `S` with a stable weight or `S I` while in motion, anything else with `ES`.
 */
import type { WeightKind } from "../agent/contracts.js";
import type { ScaleReading } from "../drivers/scale/codec.js";
import { SCALE_CODECS, type ScaleProtocol } from "../drivers/scale/registry.js";
import { replyTo } from "../drivers/scale/sics.js";
import { startPlayer, type Player } from "./player.js";
import type { VirtualSerialDevice } from "./pty.js";
import type { ScaleProfile } from "./scale-profile.js";
import { SimClock } from "./sim-clock.js";

export interface ScalePlayOptions {
  protocol: ScaleProtocol;
  /** Where in the profile the scale is; share the drive's clock to keep load and route in step. */
  clock: SimClock;
  /** Continuous formats: frames per second, wall clock. Default 5. */
  rateHz?: number;
  /** Weight the frames report, for formats that can say which; SICS always reports net. */
  kind?: WeightKind;
}

/** A SICS command is a short line; more than this without a terminator is noise, dropped. */
const MAX_COMMAND_BYTES = 64;

export function playScale(
  device: VirtualSerialDevice,
  profile: ScaleProfile,
  options: ScalePlayOptions,
): Player {
  const codec = SCALE_CODECS[options.protocol];
  const kinds: readonly WeightKind[] = codec.kinds;
  const wanted = options.kind ?? "gross";
  const kind = kinds.includes(wanted) ? wanted : kinds[0]!;
  const reading = (): ScaleReading => profile.readingAt(options.clock.elapsedS(), kind);

  if (options.protocol === "sics") return answerPolls(device, reading);

  const frameClock = new SimClock(1);
  const periodS = 1 / (options.rateHz ?? 5);
  return startPlayer("scale", async (signal) => {
    for (let frame = 0; await frameClock.until(frame * periodS, signal); frame++) {
      await device.write(codec.encode(reading()));
    }
  });
}

function answerPolls(device: VirtualSerialDevice, reading: () => ScaleReading): Player {
  let pending = Buffer.alloc(0);

  const onData = (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (const line of takeLines()) {
      if (line.trim() !== "") void device.write(replyTo(line, reading()));
    }
  };

  // Commands end with CR LF; a scale also takes CR or LF alone, so either ends a line.
  const takeLines = (): string[] => {
    const text = pending.toString("latin1");
    const lastBreak = Math.max(text.lastIndexOf("\r"), text.lastIndexOf("\n"));
    const rest = pending.subarray(lastBreak + 1);
    pending = rest.length > MAX_COMMAND_BYTES ? Buffer.alloc(0) : rest;
    return lastBreak < 0 ? [] : text.slice(0, lastBreak).split(/\r\n|\r|\n/);
  };

  device.on("data", onData);
  return startPlayer("scale", async (signal) => {
    await new Promise<void>((resolve) => {
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    device.off("data", onData);
  });
}
