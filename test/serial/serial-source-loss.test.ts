/**
 * Port loss through real pseudo-terminals: an adapter pulled silently or with a hang-up, a device
 * that never talks, a path that appears late, and stop() in the middle of all that. Field case F7
 * runs compressed in time: a line every 100 ms instead of 1 s.
 */
import { realpathSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  SerialSource,
  type SerialGap,
  type SerialLoss,
  type SerialSourceOptions,
  type SerialState,
} from "../../drivers/serial/serial-source.js";
import { captureLogs, LEVEL, type LogEntry } from "../helpers/log-capture.js";
import { openFdTargets } from "../helpers/open-fds.js";
import { trapProcessErrors, type ProcessErrorTrap } from "../helpers/process-errors.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { startTalker, type Talker } from "../helpers/talker.js";
import { sleep, waitFor } from "../helpers/wait-for.js";

const LINE_PERIOD_MS = 100;

interface Observed {
  lost: SerialLoss[];
  gaps: SerialGap[];
  states: SerialState[];
  lines: { text: string; atMs: number }[];
}

let fixture: PtyFixture | null = null;
let source: SerialSource | null = null;
let talker: Talker | null = null;
let trap: ProcessErrorTrap;
let logs: LogEntry[];

beforeEach(() => {
  trap = trapProcessErrors();
  logs = captureLogs("debug");
});

afterEach(async () => {
  await talker?.stop();
  await source?.stop();
  await fixture?.close();
  trap.dispose();
  talker = null;
  source = null;
  fixture = null;
});

function createSource(path: string, extra: Partial<SerialSourceOptions> = {}): SerialSource {
  source = new SerialSource({
    path,
    baudRate: 9600,
    silenceTimeoutS: 0.3,
    reopenMinMs: 50,
    reopenMaxMs: 200,
    name: "gps",
    lines: true,
    ...extra,
  });
  return source;
}

function observe(serial: SerialSource): Observed {
  const observed: Observed = { lost: [], gaps: [], states: [], lines: [] };
  serial.on("lost", (loss) => observed.lost.push(loss));
  serial.on("gap", (gap) => observed.gaps.push(gap));
  serial.on("state", (state) => observed.states.push(state));
  serial.on("line", (text) => observed.lines.push({ text, atMs: Date.now() }));
  return observed;
}

function warnings(): LogEntry[] {
  return logs.filter((entry) => entry.level === LEVEL.warn && entry.component === "serial");
}

describe("SerialSource port loss", () => {
  it("F7: pulled without a close event, back under another pts → one loss, one gap", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const firstPts = device.ptsPath;
    const serial = createSource(fixture.devicePath);
    const seen = observe(serial);
    serial.start();
    await waitFor(() => serial.state === "open", 3000, "first open");
    talker = startTalker(device, LINE_PERIOD_MS);

    await waitFor(() => seen.lines.length >= 10, 3000, "10 lines before the unplug");
    const unplugAtMs = Date.now();
    await device.unplug("silent");
    await sleep(500);
    await talker.stop();
    const replugAtMs = Date.now();
    await device.replug();

    // The receiver starts talking a while after the port is back, as one does after power-up, so
    // "first data" and "reopened" are told apart.
    await waitFor(() => serial.state === "open", 2000, "the reopen");
    const reopenedAtMs = Date.now();
    await sleep(150);
    talker = startTalker(device, LINE_PERIOD_MS);
    await waitFor(
      () => seen.lines.some((line) => line.atMs >= replugAtMs),
      3000,
      "a line after replug",
    );
    const firstAfter = seen.lines.find((line) => line.atMs >= replugAtMs)!;
    await waitFor(
      () => seen.lines.length >= seen.lines.indexOf(firstAfter) + 3,
      2000,
      "3 lines after replug",
    );
    await talker.stop();

    // The loss: reported once, by the watchdog, one silence timeout after the last line.
    expect(seen.lost).toHaveLength(1);
    const lastBefore = seen.lines.filter((line) => line.atMs < seen.lost[0]!.atMs).at(-1)!;
    expect(lastBefore.atMs).toBeLessThanOrEqual(unplugAtMs + 10);
    expect(seen.lost[0]).toMatchObject({
      device: "gps",
      path: fixture.devicePath,
      reason: "silence",
      code: null,
    });
    expect(seen.lost[0]!.atMs - lastBefore.atMs).toBeGreaterThanOrEqual(290);
    expect(seen.lost[0]!.atMs - lastBefore.atMs).toBeLessThan(300 + 200);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({
      reason: "silence",
      path: fixture.devicePath,
      device: "gps",
    });

    // The gap: from the last line before the pull to the first line after the replug.
    expect(seen.gaps).toHaveLength(1);
    const gap = seen.gaps[0]!;
    expect(gap).toMatchObject({ device: "gps", path: fixture.devicePath, reason: "silence" });
    expect(Math.abs(gap.fromMs - lastBefore.atMs)).toBeLessThanOrEqual(20);
    expect(gap.fromMs).toBeGreaterThan(unplugAtMs - LINE_PERIOD_MS - 50);
    expect(Math.abs(gap.toMs - firstAfter.atMs)).toBeLessThanOrEqual(20);
    expect(gap.toMs).toBeGreaterThanOrEqual(reopenedAtMs + 140);
    expect(reopenedAtMs - replugAtMs).toBeLessThan(200 + 200);

    // Lines after the replug are the talker's, complete and in order.
    const after = seen.lines
      .slice(seen.lines.indexOf(firstAfter))
      .map((line) => Number(line.text.split(",")[1]));
    expect(after.every((seq, i) => i === 0 || seq === after[i - 1]! + 1)).toBe(true);
    expect(seen.lines.every((line) => /^\$TEST,\d+$/.test(line.text))).toBe(true);

    // Same stable link, another terminal behind it.
    expect(device.ptsPath).not.toBe(firstPts);
    expect(realpathSync(fixture.devicePath)).toBe(device.ptsPath);

    expect(serial.state).toBe("open");
    expect(serial.stats()).toMatchObject({ losses: 1 });
    expect(serial.stats().opens).toBe(2);
    expect(trap.errors).toEqual([]);
  });

  it("sees a hang-up as a close at once; writes during the outage resolve false", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const firstPts = device.ptsPath;
    const serial = createSource(fixture.devicePath, { silenceTimeoutS: 5 });
    const seen = observe(serial);
    serial.start();
    await waitFor(() => serial.state === "open", 3000, "first open");
    talker = startTalker(device, LINE_PERIOD_MS);
    await waitFor(() => seen.lines.length >= 3, 3000, "3 lines");

    const unplugAtMs = Date.now();
    await device.unplug("hangup");
    await waitFor(() => seen.lost.length === 1, 1000, "the loss");

    // With a 5 s watchdog, only the close event can have been this fast.
    expect(seen.lost[0]!.atMs - unplugAtMs).toBeLessThan(200);
    expect(seen.lost[0]!.reason).toBe("disconnected");
    expect(await serial.write("SI\r\n")).toBe(false);

    await sleep(300);
    await device.replug();
    await waitFor(() => seen.gaps.length === 1, 3000, "the gap");
    await waitFor(() => serial.stats().lastDataMs! > seen.gaps[0]!.toMs, 1000, "more data");

    expect(seen.lost).toHaveLength(1);
    expect(seen.gaps[0]!.reason).toBe("disconnected");
    expect(device.ptsPath).not.toBe(firstPts);
    expect(trap.errors).toEqual([]);
  });

  it("a silent device trips the watchdog once, then retries with backoff", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const serial = createSource(fixture.devicePath, { silenceTimeoutS: 0.2 });
    const seen = observe(serial);
    const startedAtMs = Date.now();
    serial.start();

    await sleep(2000);
    const stats = serial.stats();

    expect(seen.lost).toHaveLength(1);
    expect(seen.lost[0]!.reason).toBe("silence");
    expect(seen.lost[0]!.atMs - startedAtMs).toBeGreaterThanOrEqual(190);
    expect(seen.lost[0]!.atMs - startedAtMs).toBeLessThan(400);
    expect(warnings()).toHaveLength(1);
    // Each retry opens the device and waits a full silence timeout plus a doubling delay
    // (50, 100, 200, 200 … ms): about 5 retries fit in 2 s; a spinning source makes hundreds.
    expect(stats.reopenAttempts).toBeGreaterThanOrEqual(3);
    expect(stats.reopenAttempts).toBeLessThanOrEqual(7);
    expect(stats.opens - stats.reopenAttempts).toBeGreaterThanOrEqual(0);
    expect(stats.opens - stats.reopenAttempts).toBeLessThanOrEqual(1);
    expect(
      openFdTargets().filter((target) => target === device.ptsPath).length,
    ).toBeLessThanOrEqual(1);

    // When it does talk, the gap runs from start(), as nothing had come before.
    talker = startTalker(device, LINE_PERIOD_MS);
    await waitFor(() => seen.gaps.length === 1, 3000, "the gap");
    expect(Math.abs(seen.gaps[0]!.fromMs - startedAtMs)).toBeLessThanOrEqual(20);
    expect(seen.gaps[0]!.reason).toBe("silence");

    // Falling silent again is a new outage, reported once more.
    await talker.stop();
    await waitFor(() => seen.lost.length === 2, 2000, "the second loss");
    expect(serial.stats().losses).toBe(2);
    expect(warnings()).toHaveLength(2);
    expect(trap.errors).toEqual([]);
  });

  it("opens a path that does not exist yet once it appears", async () => {
    fixture = await createPtyFixture({ plugged: false });
    const serial = createSource(fixture.devicePath, { silenceTimeoutS: 5 });
    const seen = observe(serial);
    const startedAtMs = Date.now();
    serial.start();
    await waitFor(() => seen.lost.length === 1, 1000, "the loss");

    expect(seen.lost[0]).toMatchObject({ reason: "path-missing", code: "ENOENT" });
    await sleep(400);
    expect(serial.stats().opens).toBe(0);

    const device = await fixture.plug();
    talker = startTalker(device, LINE_PERIOD_MS);
    await waitFor(() => seen.lines.length >= 2, 3000, "2 lines");

    expect(seen.lost).toHaveLength(1);
    expect(seen.gaps).toHaveLength(1);
    expect(Math.abs(seen.gaps[0]!.fromMs - startedAtMs)).toBeLessThanOrEqual(20);
    expect(seen.gaps[0]!.toMs).toBeGreaterThanOrEqual(startedAtMs + 400);
    expect(seen.lines[0]!.text).toMatch(/^\$TEST,\d+$/);
    expect(serial.stats().opens).toBe(1);
    expect(trap.errors).toEqual([]);
  });

  it("stop() during a backoff wait resolves at once and leaves no timer behind", async () => {
    fixture = await createPtyFixture({ plugged: false });
    const serial = createSource(fixture.devicePath, { reopenMinMs: 300, reopenMaxMs: 1000 });
    const seen = observe(serial);
    serial.start();
    await waitFor(
      () => serial.stats().reopenAttempts >= 1 && serial.state === "lost",
      2000,
      "a retry",
    );

    // stop() yields only to microtasks here, so no other timer can come or go meanwhile: the one
    // that disappears is the pending retry.
    const timersBefore = activeTimers();
    const stopAtMs = Date.now();
    await serial.stop();
    expect(Date.now() - stopAtMs).toBeLessThan(50);
    expect(activeTimers()).toBe(timersBefore - 1);
    await serial.stop();

    // Even when the device turns up, a stopped source stays stopped.
    const attempts = serial.stats().reopenAttempts;
    await fixture.plug();
    await sleep(700);
    expect(serial.stats().reopenAttempts).toBe(attempts);
    expect(serial.stats().opens).toBe(0);
    expect(seen.states.at(-1)).toBe("stopped");
    expect(seen.states.filter((state) => state === "stopped")).toHaveLength(1);
    expect(trap.errors).toEqual([]);
  });
});

describe("SerialSource stop()", () => {
  it("releases the handle when called while the open is still in flight", async () => {
    fixture = await createPtyFixture();
    const serial = createSource(fixture.devicePath);
    const seen = observe(serial);

    let stopping: Promise<void> | null = null;
    serial.on("state", (state) => {
      if (state === "opening") stopping = serial.stop();
    });

    serial.start();
    await waitFor(() => stopping !== null, 1000, "the open in flight");
    await stopping;

    expect(openFdTargets()).not.toContain(fixture.device!.ptsPath);
    expect(seen.states).toEqual(["opening", "stopped"]);
    expect(seen.lost).toEqual([]);
    expect(trap.errors).toEqual([]);
  });
});

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}
