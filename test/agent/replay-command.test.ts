/** `muck-agent replay` as a user runs it: a process, files in, NDJSON out. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sign } from "../gps/nmea-helpers.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";

const CLI = join(import.meta.dirname, "../../agent/cli/main.ts");

function cli(args: string[]): string[] {
  const out = execFileSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", env: { ...process.env, MUCK_LOG_LEVEL: "silent" } });
  return out.trim().split("\n");
}

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-replay-");
});
afterEach(async () => {
  await dir.remove();
});

function epoch(second: number, valid: boolean): string[] {
  const t = `0800${String(second).padStart(2, "0")}.00`;
  return valid
    ? [sign(`$GPRMC,${t},A,3114.4000,N,12128.2000,E,10.0,90.0,031226,,,A`), sign(`$GPGGA,${t},3114.4000,N,12128.2000,E,1,08,0.9,5.0,M,8.0,M,,`)]
    : [sign(`$GPRMC,${t},V,,,,,,,031226,,,N`), sign(`$GPGGA,${t},,,,,0,00,99.9,,,,,,`)];
}

describe("muck-agent replay", () => {
  it("prints one fix per epoch with the documented fields, and the counters with --stats", () => {
    const capture = join(dir.path, "gps.nmea");
    writeFileSync(capture, ["# a comment line", ...epoch(0, true), "garbage", ...epoch(1, false)].join("\r\n") + "\r\n");

    const lines = cli(["replay", "--gps", capture, "--stats"]).map((l) => JSON.parse(l));

    expect(Object.keys(lines[0])).toEqual(["time", "lat", "lon", "speedKmh", "courseDeg", "altM", "hdop", "sats", "valid"]);
    expect(lines[0]).toMatchObject({ time: "2026-12-03T08:00:00.000Z", speedKmh: 18.52, courseDeg: 90, sats: 8, valid: true });
    expect(lines[1]).toMatchObject({ time: "2026-12-03T08:00:01.000Z", lat: null, lon: null, valid: false });
    expect(lines[2].stats.gps.faults.tail).toBe(1);
    expect(lines[2].stats.gps.fixes).toBe(2);
  });

  it("prints records and events: positions by cadence, and a gps_no_fix stretch", () => {
    const capture = join(dir.path, "gps.nmea");
    const seconds = [...Array.from({ length: 5 }, (_, s) => epoch(s, true)), ...Array.from({ length: 15 }, (_, s) => epoch(5 + s, false)), epoch(20, true)];
    writeFileSync(capture, seconds.flat().join("\r\n") + "\r\n");

    const records = cli(["replay", "--gps", capture, "--print", "records"]).map((l) => JSON.parse(l));
    const events = cli(["replay", "--gps", capture, "--print", "events"]).map((l) => JSON.parse(l));

    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    expect(records[0]).toMatchObject({ id: "REPLAY:1", kind: "position", gpsTime: "2026-12-03T08:00:00.000Z", schema: 1 });
    expect(events).toHaveLength(1);
    expect(events[0].body).toMatchObject({ type: "gps_no_fix", startedAt: "2026-12-03T08:00:04.000Z", endedAt: "2026-12-03T08:00:20.000Z" });
  });

  it("replays a scale capture beside the GPS one into weight records", () => {
    const gps = join(dir.path, "gps.nmea");
    writeFileSync(gps, Array.from({ length: 10 }, (_, s) => epoch(s, true)).flat().join("\r\n") + "\r\n");
    const scale = join(dir.path, "scale.txt");
    const frames = [...Array(20).fill("ST,GS,+  12340 kg"), ...Array(20).fill("ST,GS,+   1500 kg")];
    writeFileSync(scale, frames.join("\r\n") + "\r\n");

    const weights = cli(["replay", "--gps", gps, "--scale", scale, "--print", "records"])
      .map((l) => JSON.parse(l))
      .filter((r) => r.kind === "weight");

    expect(weights.map((r) => r.body.weightKg)).toEqual([12_340, 1_500]);
    // The unload comes halfway through the drive: it carries the GPS time of the last fix.
    expect(weights[1].gpsTime).toMatch(/^2026-12-03T08:00:0[3-6]\.000Z$/);
  });

  it("names the missing file and exits non-zero", () => {
    expect(() => cli(["replay", "--gps", join(dir.path, "nope.nmea")])).toThrow(/CAPTURE_NOT_FOUND: capture file not found: .*nope\.nmea/);
  });
});
