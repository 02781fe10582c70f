/**
 * The recording format and the recorder on its own: every byte value survives the file, a bad
 * line is named by file and line, and a device unplugged while recording is put on record and
 * recorded again once it is back (a real pty hung up and replugged).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { VirtualSerialDevice } from "../../simulator/pty.js";
import { entryLine, headerLine, parseRecording, type RecordingEntry } from "../../simulator/recording-format.js";
import { RecordingWriter } from "../../simulator/recording-writer.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep } from "../helpers/wait-for.js";

const HEADER = headerLine({ format: "muck-recording", version: 1, startedAt: "2026-12-03T19:00:00.000Z", ports: { gps: { path: "/dev/x", baudRate: 9600 } } });

let tmp: TempDir | null = null;
let device: VirtualSerialDevice | null = null;

afterEach(async () => {
  await device?.close();
  await tmp?.remove();
  tmp = device = null;
});

describe("recording format", () => {
  it("keeps all 256 byte values and the time of each chunk", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = HEADER + entryLine({ t: 12.3456, port: "gps", data: all }) + entryLine({ t: 20, port: "gps", event: "closed", error: "EIO" });

    const { entries, trailer } = parseRecording(text, "r.ndjson");
    const first = entries[0] as Extract<RecordingEntry, { data: Buffer }>;
    expect(first.t).toBe(12.346);
    expect(first.data.equals(all)).toBe(true);
    expect(entries[1]).toEqual({ t: 20, port: "gps", event: "closed", error: "EIO" });
    expect(trailer).toBeNull();
  });

  it("names the file and line of a bad entry", () => {
    const backwards = HEADER + entryLine({ t: 50, port: "gps", data: Buffer.from("a") }) + entryLine({ t: 40, port: "gps", data: Buffer.from("b") });
    expect(() => parseRecording(backwards, "r.ndjson")).toThrow(/r\.ndjson:3: time 40 goes back/);
    expect(() => parseRecording(`${HEADER}{"t":1,"port":"radio","data":""}\n`, "r.ndjson")).toThrow(/r\.ndjson:2: "port"/);
    expect(() => parseRecording('{"format":"other"}\n', "r.ndjson")).toThrow(/r\.ndjson:1: not a muck-recording/);
  });
});

describe("RecordingWriter", () => {
  // A hang-up closes the recorder's handle; a silent unplug leaves it open and only the device
  // path going away tells.
  it.each(["hangup", "silent"] as const)("records an unplug (%s) and the bytes after the device is back", async (mode) => {
    tmp = await makeTempDir("muck-recorder-");
    device = await VirtualSerialDevice.create({ devicePath: join(tmp.path, "gps") });
    const file = join(tmp.path, "r.ndjson");
    const writer = await RecordingWriter.start(file, [{ port: "gps", path: device.devicePath, baudRate: 9600 }]);

    await device.write("before\r\n");
    await sleep(200);
    await device.unplug(mode);
    // On record while the device is still away, not only once it is back.
    const closedDeadline = performance.now() + 5_000;
    const closedOnRecord = async () => (await readFile(file, "utf8")).includes('"event":"closed"');
    while (performance.now() < closedDeadline && !(await closedOnRecord())) await sleep(100);
    expect(await closedOnRecord()).toBe(true);
    await device.replug();
    // The writer reopens every second; write until the bytes after the replug are on record.
    let written = 0;
    const deadline = performance.now() + 10_000;
    let entries: RecordingEntry[] = [];
    while (performance.now() < deadline) {
      await device.write(`after ${written++}\r\n`);
      await sleep(200);
      entries = parseRecording(await readFile(file, "utf8"), file).entries;
      if (entries.some((entry) => "data" in entry && entry.data.toString().startsWith("after"))) break;
    }
    const summary = await writer.stop();

    const kinds = entries.map((entry) => ("data" in entry ? entry.data.toString().split(" ")[0]!.trim() : entry.event));
    expect(kinds[0]).toBe("before");
    expect(kinds.indexOf("closed")).toBeGreaterThan(0);
    expect(kinds.indexOf("opened")).toBeGreaterThan(kinds.indexOf("closed"));
    expect(kinds.at(-1)).toBe("after");
    expect(summary.losses.gps).toBe(1);
  });
});
