/**
 * Record and replay end to end, as a user runs them: `muck-agent record` reads a pty (a virtual
 * receiver the test writes to in bursts with pauses between them), `muck-agent sim --recording`
 * plays the recording into another pty, and the test reads that one back with serialport.
 *
 * What must survive both trips: every byte (NUL, 0xFF, CR alone, LF alone, CR LF, a cut line), in
 * order, and the rhythm — a chunk boundary at each pause and the longer pause still the longer
 * gap. No assertion on how fast the machine is: only on order, boundaries and which gap is longer.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";

import { VirtualSerialDevice } from "../../simulator/pty.js";
import { parseRecording } from "../../simulator/recording-format.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { spawnTs, type Spawned } from "./spawn.js";

const BURSTS = [
  Buffer.concat([Buffer.from("$GPGGA,120000.00,3113.8,N,12128.4,E,1,08,0.9,10.0,M,8.0,M,,*4B\r\n"), Buffer.from([0x00, 0xff, 0xfe, 0x0d])]),
  Buffer.from("$GPRMC,120001.00,A,3113.8,N,12128.4,E,0.0,,031226,,,A*70\n$GPVTG,,T,,M,0.0,N,0.0,K,A*3D\r"),
  Buffer.from([0x24, 0x47, 0x50, 0x47, 0x47, 0x41, 0x2c, 0x80, 0x81, 0x0a, 0x0d, 0x0a]),
];
/** The pause after each burst but the last, ms: the second is clearly the longer. */
const PAUSES_MS = [500, 1500];
/** The recorder is up this long before the first burst, so the replay's reader has time to open. */
const LEAD_MS = 3000;

let tmp: TempDir | null = null;
let source: VirtualSerialDevice | null = null;
const children: Spawned[] = [];
let reader: SerialPort | null = null;

afterEach(async () => {
  if (reader?.isOpen) await new Promise((resolve) => reader!.close(resolve));
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null) child.child.kill("SIGTERM");
    await child.exited;
  }
  await source?.close();
  await tmp?.remove();
  tmp = source = reader = null;
});

interface Chunk {
  atMs: number;
  data: Buffer;
}

describe("muck-agent record and sim --recording", () => {
  it("keep every byte, the chunk boundaries at pauses and which pause was longer", async () => {
    tmp = await makeTempDir("muck-record-");
    source = await VirtualSerialDevice.create({ devicePath: join(tmp.path, "receiver") });
    const file = join(tmp.path, "drive.ndjson");

    // Record: the recorder says "recording" once the port is open.
    const recorder = spawnTs("agent/cli/main.ts", ["record", "--gps", source.devicePath, "--baud", "4800", "--out", file], { MUCK_LOG_LEVEL: "info" });
    children.push(recorder);
    await waitFor(() => recorder.stderr().includes('"msg":"recording"'), 15_000, "the recorder to open the port");
    await sleep(LEAD_MS);
    for (const [i, burst] of BURSTS.entries()) {
      await source.write(burst);
      if (i < PAUSES_MS.length) await sleep(PAUSES_MS[i]!);
    }
    await sleep(300);
    recorder.child.kill("SIGTERM");
    expect(await recorder.exited).toBe(0);

    const total = Buffer.concat(BURSTS);
    expect(recorder.stdout()).toContain(`gps: ${total.length} bytes in`);
    const recording = parseRecording(await readFile(file, "utf8"), file);
    expect(recording.header.ports.gps).toEqual({ path: source.devicePath, baudRate: 4800 });
    expect(recording.trailer?.bytes.gps).toBe(total.length);
    const recorded: Chunk[] = recording.entries.map((entry) => ({ atMs: entry.t, data: "data" in entry ? entry.data : Buffer.alloc(0) }));
    expectRhythm(recorded, total);

    // Replay into another pty and read it back with serialport.
    const replayPath = join(tmp.path, "replay", "gps");
    const sim = spawnTs("agent/cli/main.ts", ["sim", "--recording", file, "--gps-device", replayPath]);
    children.push(sim);
    await waitFor(() => sim.stdout().includes(`gps ${replayPath}`), 15_000, "the replay's device path");
    const replayed: Chunk[] = [];
    reader = new SerialPort({ path: replayPath, baudRate: 4800 });
    reader.on("data", (data: Buffer) => replayed.push({ atMs: performance.now(), data }));
    await waitFor(() => Buffer.concat(replayed.map((c) => c.data)).length >= total.length, 20_000, "the replayed bytes");
    expectRhythm(replayed, total);

    sim.child.kill("SIGTERM");
    expect(await sim.exited).toBe(0);
  });
});

/** Same bytes in order; a chunk boundary at each pause; the longer pause the longer gap. */
function expectRhythm(chunks: Chunk[], total: Buffer): void {
  expect(Buffer.concat(chunks.map((chunk) => chunk.data)).equals(total)).toBe(true);

  const gaps: number[] = [];
  let offset = 0;
  let boundary = 0;
  for (const [i, chunk] of chunks.entries()) {
    offset += chunk.data.length;
    const pauseEnd = BURSTS.slice(0, boundary + 1).reduce((sum, burst) => sum + burst.length, 0);
    if (boundary < PAUSES_MS.length && offset >= pauseEnd) {
      expect(offset, `a chunk ends where burst ${boundary + 1} ended`).toBe(pauseEnd);
      gaps.push(chunks[i + 1]!.atMs - chunk.atMs);
      boundary++;
    }
  }
  expect(gaps).toHaveLength(PAUSES_MS.length);
  expect(gaps[1]!).toBeGreaterThan(gaps[0]!);
}
