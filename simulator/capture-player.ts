/**
 * Plays a recorded NMEA capture into a virtual device, paced by the capture's own times, so the
 * agent sees the receiver's real rhythm: a burst of sentences, then quiet until the next epoch.
 *
 * Every line goes out byte for byte as recorded, terminator included (CR LF, LF alone, or
 * whatever the receiver sent); only `#` annotation lines (gpsd's capture header) are left out.
 *
 * Pacing: lines are grouped by the time of day of RMC, GGA, GLL, GNS and ZDA; sentences without
 * a time (GSV, GSA, VTG, vendor lines) go out with the group they follow. When the capture's time
 * moves forward by Δ (across midnight too), the player waits Δ / speedFactor. Anything else
 * counts as a jump and waits 1 s: forward by more than 10 s (a gap in the recording) or backward
 * by more than 10 s (captures spliced together). A step back of 10 s or less is a sentence stamped
 * late (B&G Zeus stamps RMC one second behind GGA) and goes out with no wait, or every
 * second would be played twice over.
 */
import { readFile } from "node:fs/promises";

import { MuckError } from "../agent/errors.js";
import { startPlayer, type Player } from "./player.js";
import type { VirtualSerialDevice } from "./pty.js";
import { SimClock } from "./sim-clock.js";

/** Lines the receiver sent for one epoch, and the simulated wait before them. */
export interface CaptureGroup {
  waitMs: number;
  lines: Buffer[];
}

export interface CapturePlayOptions {
  /** 1 = the capture's own pace, 10 = ten times faster. Default 1. */
  speedFactor?: number;
  /** Start over after the last line, 1 s later; default false. */
  loop?: boolean;
}

const DAY_MS = 86_400_000;
const MAX_STEP_MS = 10_000;
const JUMP_WAIT_MS = 1000;
const LF = 0x0a;
const HASH = 0x23;

/** Where the time of day sits in each timed sentence (field 0 is the address). */
const TIME_FIELD: Record<string, number> = { RMC: 1, GGA: 1, GNS: 1, ZDA: 1, GLL: 5 };
const TIME_OF_DAY = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/;

export async function readCapture(file: string): Promise<CaptureGroup[]> {
  try {
    return groupCapture(await readFile(file));
  } catch (error) {
    const message = `cannot read capture ${file}: ${(error as Error).message}`;
    throw new MuckError("CAPTURE_NOT_FOUND", message, { cause: error });
  }
}

/** Splits a capture into epoch groups; pure, so pacing is testable without a terminal. */
export function groupCapture(capture: Buffer): CaptureGroup[] {
  const groups: CaptureGroup[] = [];
  let current: CaptureGroup | null = null;
  let currentTimeMs: number | null = null;
  let latestMs: number | null = null;

  for (const line of splitLines(capture)) {
    if (line[0] === HASH) continue;

    const timeMs = sentenceTimeOfDayMs(line);
    const newEpoch = timeMs !== null && timeMs !== currentTimeMs;
    if (current === null || (newEpoch && current.lines.length > 0)) {
      const step: PaceStep = timeMs === null ? { waitMs: 0, latestMs } : paceStep(latestMs, timeMs);
      latestMs = step.latestMs;
      current = { waitMs: current === null ? 0 : step.waitMs, lines: [] };
      groups.push(current);
    }

    if (timeMs !== null) currentTimeMs = timeMs;
    current.lines.push(line);
  }
  return groups;
}

export function playCapture(
  device: VirtualSerialDevice,
  groups: CaptureGroup[],
  options: CapturePlayOptions = {},
): Player {
  const clock = new SimClock(options.speedFactor ?? 1);

  return startPlayer("capture", async (signal) => {
    let atMs = 0;
    do {
      for (const group of groups) {
        atMs += group.waitMs;
        if (!(await clock.until(atMs / 1000, signal))) return;

        // One write per line: small writes, as a UART delivers them, never the whole capture.
        for (const line of group.lines) {
          if (signal.aborted) return;
          await device.write(line);
        }
      }
      atMs += JUMP_WAIT_MS;
    } while (options.loop === true);
  });
}

interface PaceStep {
  waitMs: number;
  latestMs: number | null;
}

/** The capture's next time of day against the latest one seen: how long to wait. */
function paceStep(latestMs: number | null, timeMs: number): PaceStep {
  if (latestMs === null) return { waitMs: 0, latestMs: timeMs };

  const forwardMs = (((timeMs - latestMs) % DAY_MS) + DAY_MS) % DAY_MS;
  if (forwardMs <= MAX_STEP_MS) return { waitMs: forwardMs, latestMs: timeMs };
  if (forwardMs >= DAY_MS - MAX_STEP_MS) return { waitMs: 0, latestMs };
  return { waitMs: JUMP_WAIT_MS, latestMs: timeMs };
}

/** Lines with their terminators; a last line without LF is kept as it is. */
function splitLines(capture: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < capture.length) {
    const lf = capture.indexOf(LF, start);
    const end = lf < 0 ? capture.length : lf + 1;
    lines.push(capture.subarray(start, end));
    start = end;
  }
  return lines;
}

/** Time of day in ms of a timed sentence (any talker), or null. */
export function sentenceTimeOfDayMs(line: Buffer): number | null {
  const text = line.toString("latin1");
  const start = text.indexOf("$");
  if (start < 0) return null;

  const fields = text.slice(start).split("*")[0]!.split(",");
  const index = TIME_FIELD[fields[0]!.slice(3, 6)];
  const match = index === undefined ? null : TIME_OF_DAY.exec(fields[index] ?? "");
  if (match === null) return null;

  const [, hh, mm, ss] = match;
  return Math.round(((Number(hh) * 60 + Number(mm)) * 60 + Number(ss)) * 1000);
}
