/**
 * `muck-agent sim` as a user runs it: it prints the device paths, the agent's serial side reads
 * a valid drive and a polled scale from them, and Ctrl-C removes the devices.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import type { Fix, WeightSample } from "../../agent/contracts.js";
import { setLogLevel } from "../../agent/log.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { withChecksum } from "../../drivers/gps/checksum.js";
import { ScaleDriver } from "../../drivers/scale/scale-driver.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { openAgentSide, type AgentSide } from "./agent-side.js";
import { processesMentioning, spawnTs, type Spawned } from "./spawn.js";

beforeAll(() => setLogLevel("silent"));

let tmp: TempDir | null = null;
let sim: Spawned | null = null;
const sides: AgentSide[] = [];
let driver: ScaleDriver | null = null;

afterEach(async () => {
  driver?.stop();
  for (const side of sides.splice(0)) await side.stop();
  if (sim !== null && sim.child.exitCode === null) {
    sim.child.kill("SIGTERM");
    await sim.exited;
  }
  await tmp?.remove();
  tmp = sim = driver = null;
});

async function startSim(args: string[]): Promise<Map<string, string[]>> {
  sim = spawnTs("agent/cli/main.ts", ["sim", ...args]);
  await waitFor(() => sim!.stdout().includes("config "), 10_000, "the device paths on stdout");

  // Lines of `<what> <path> [protocol]`, by what.
  const lines = sim.stdout().trim().split("\n").map((line) => line.split(" "));
  return new Map(lines.map(([what = "", ...rest]) => [what, rest]));
}

describe("muck-agent sim", () => {
  it("drives the built-in route on the GPS device and answers SICS polls on the scale device", async () => {
    tmp = await makeTempDir("muck-sim-");
    const printed = await startSim([
      "--gps-device", join(tmp.path, "sim/gps"),
      "--scale-device", join(tmp.path, "sim/scale"),
      "--scale-protocol", "sics",
      "--speed-factor", "10",
    ]);
    const gpsPath = printed.get("gps")![0]!;
    const [scalePath, protocol] = printed.get("scale")!;
    expect(gpsPath).toBe(join(tmp.path, "sim/gps"));
    expect(protocol).toBe("sics");
    expect(JSON.parse(printed.get("config")!.join(" "))).toMatchObject({ scale: { path: scalePath, protocol: "sics", weight: "net" } });

    const fixes: Fix[] = [];
    const decoder = new GpsDecoder((fix) => fixes.push(fix));
    const gps = await openAgentSide(gpsPath, "gps", { lines: true });
    sides.push(gps);
    gps.source.on("line", (line) => decoder.pushLine(line));

    const samples: WeightSample[] = [];
    const scale = await openAgentSide(scalePath!, "scale");
    sides.push(scale);
    driver = new ScaleDriver({ protocol: "sics", pollIntervalMs: 100, weight: "net" });
    driver.on("sample", (sample) => samples.push(sample));
    scale.source.on("data", (chunk) => driver!.push(chunk));
    driver.attach({ write: (data) => void scale.source.write(data) });
    driver.start();

    await waitFor(() => fixes.length >= 5 && samples.length >= 5, 10_000, "fixes and weights");
    expect(fixes.every((fix) => fix.valid && Math.abs(fix.lat! - 31.22) < 0.05 && Math.abs(fix.lon! - 121.5) < 0.05)).toBe(true);
    expect(samples.every((sample) => sample.kind === "net" && Number.isFinite(sample.weightKg))).toBe(true);

    sim!.child.kill("SIGINT");
    expect(await sim!.exited, sim!.stderr()).toBe(0);
    expect(existsSync(gpsPath)).toBe(false);
    expect(existsSync(scalePath!)).toBe(false);
    expect(processesMentioning(tmp.path)).toEqual([]);
  });

  it("plays a capture line for line, looping, when given one", async () => {
    tmp = await makeTempDir("muck-sim-");
    const capture = join(tmp.path, "drive.nmea");
    const lines = ["120000", "120001"].map((time) => withChecksum(`$GPGGA,${time},3113.8,N,12128.4,E,1,08,0.9,5.0,M,8.9,M,,`));
    await writeFile(capture, `# two epochs\n${lines.join("\r\n")}\r\n`);

    // Looped: like a real receiver, the simulator talks whether or not anyone has the port open yet.
    const args = ["--gps-device", join(tmp.path, "gps"), "--capture", capture, "--speed-factor", "5", "--loop"];
    const printed = await startSim(args);
    expect(printed.has("scale")).toBe(false);
    const gps = await openAgentSide(printed.get("gps")![0]!, "gps", { lines: true });
    sides.push(gps);

    await waitFor(() => gps.lines.length >= 4, 5000, "a whole pass of the capture");
    const start = gps.lines.indexOf(lines[0]!);
    expect(gps.lines.slice(start, start + 2)).toEqual(lines);
    expect(gps.lines.every((line) => lines.includes(line))).toBe(true);
  });

  it("describes every option in --help and refuses --capture with --route", async () => {
    const help = spawnTs("agent/cli/main.ts", ["sim", "--help"]);
    expect(await help.exited).toBe(0);
    for (const option of ["--gps-device", "--scale-device", "--scale-protocol", "--capture", "--route", "--speed-factor", "--rate-hz", "--loop"]) {
      expect(help.stdout()).toContain(option);
    }

    const both = spawnTs("agent/cli/main.ts", ["sim", "--capture", "a.nmea", "--route", "b.geojson"]);
    expect(await both.exited).not.toBe(0);
    expect(both.stderr()).toMatch(/--capture.*cannot be used with.*--route/);
  });
});
