/**
 * `muck-agent record`: captures the raw bytes of the truck's real serial devices with their
 * receive times into a recording (format: simulator/recording-format.ts) until Ctrl-C, SIGTERM
 * or `--duration`, then prints a summary on stdout. `muck-agent sim --recording FILE` plays it
 * back with the same timing.
 */
import { resolve } from "node:path";

import { Command, InvalidArgumentError } from "commander";

import { logger } from "../log.js";
import { RecordingWriter, type RecordedDevice, type RecordingSummary } from "../../simulator/recording-writer.js";
import { waitForStop } from "../../simulator/stop-signal.js";

interface RecordOptions {
  gps: string;
  scale?: string;
  baud: number;
  scaleBaud: number;
  out: string;
  duration?: number;
}

export function recordCommand(): Command {
  return new Command("record")
    .description("capture raw bytes from the GPS receiver (and the load cell) with their receive times, until Ctrl-C")
    .requiredOption("--gps <path>", "serial device of the GNSS receiver, e.g. /dev/serial/by-id/usb-…")
    .option("--scale <path>", "serial device of the load-cell indicator (default: none)")
    .option("--baud <n>", "GPS serial speed", baud, 9600)
    .option("--scale-baud <n>", "scale serial speed", baud, 9600)
    .requiredOption("--out <file>", "recording to write (NDJSON, see README: Record and replay)")
    .option("--duration <s>", "stop by itself after this many seconds", seconds)
    .action(runRecord);
}

async function runRecord(opts: RecordOptions): Promise<void> {
  const devices: RecordedDevice[] = [{ port: "gps", path: opts.gps, baudRate: opts.baud }];
  if (opts.scale !== undefined) devices.push({ port: "scale", path: opts.scale, baudRate: opts.scaleBaud });

  const writer = await RecordingWriter.start(resolve(opts.out), devices);
  const reason = await waitForStop(opts.duration);
  logger("record").info({ reason }, "stopping");
  printSummary(await writer.stop());
}

function printSummary(summary: RecordingSummary): void {
  const lines = [`recording ${summary.file}: ${(summary.durationMs / 1000).toFixed(1)} s`];
  for (const port of Object.keys(summary.chunks) as (keyof RecordingSummary["chunks"])[]) {
    const losses = summary.losses[port] ?? 0;
    lines.push(`${port}: ${summary.bytes[port]} bytes in ${summary.chunks[port]} chunks${losses > 0 ? `, device lost ${losses} times` : ""}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

function baud(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 50) throw new InvalidArgumentError("must be a baud rate such as 4800 or 9600");
  return value;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError("must be a positive number of seconds");
  return value;
}
