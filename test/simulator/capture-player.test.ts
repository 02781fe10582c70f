/**
 * Capture playback: grouped and paced by the capture's own NMEA times, every byte delivered as
 * recorded through a real pseudo-terminal to the agent's serial port.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { MuckError } from "../../agent/errors.js";
import { setLogLevel } from "../../agent/log.js";
import { withChecksum } from "../../drivers/gps/checksum.js";
import { groupCapture, playCapture, readCapture } from "../../simulator/capture-player.js";
import { GPSD_DATA_DIR, gpsdDataPresent, requireGpsdData } from "../gps/gpsd-data.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait-for.js";
import { openAgentSide, type AgentSide } from "./agent-side.js";

beforeAll(() => setLogLevel("silent"));

const rmc = (time: string) => withChecksum(`$GPRMC,${time},A,3113.82460,N,12128.42200,E,10.0,90.0,010324,,,A`);
const gga = (time: string) => withChecksum(`$GPGGA,${time},3113.82460,N,12128.42200,E,1,08,0.9,5.0,M,8.9,M,,`);
const gll = (time: string) => withChecksum(`$GPGLL,3113.82460,N,12128.42200,E,${time},A,A`);
const GSV = withChecksum("$GPGSV,1,1,01,07,10,333,39");

/** Three epochs a second apart; mixed terminators and an annotation, as real captures have. */
const THREE_EPOCHS = [
  "# Name: three epochs\n",
  `${rmc("120000.00")}\r\n`,
  `${GSV}\r\n`,
  `${gga("120000.00")}\n`,
  `${rmc("120001.00")}\r\n`,
  `${gga("120001.00")}\r\n`,
  `${rmc("120002.00")}\r\n`,
  `${gga("120002.00")}\r\n`,
  "$GPTXT,01,01,02,no checksum, no time", // last line without a terminator
].join("");

const withoutAnnotations = (capture: string) =>
  capture
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith("#"))
    .join("");

function waits(capture: string): number[] {
  return groupCapture(Buffer.from(capture, "latin1")).map((group) => group.waitMs);
}

describe("grouping a capture by its NMEA times", () => {
  it("groups lines by time of day, untimed lines going with the group they follow", () => {
    const groups = groupCapture(Buffer.from(THREE_EPOCHS, "latin1"));

    expect(groups.map((group) => group.lines.length)).toEqual([3, 2, 3]);
    expect(groups.map((group) => group.waitMs)).toEqual([0, 1000, 1000]);
    expect(Buffer.concat(groups.flatMap((group) => group.lines)).toString("latin1")).toBe(withoutAnnotations(THREE_EPOCHS));
  });

  it("reads GLL's time from its sixth field and paces 10 Hz captures by 100 ms", () => {
    expect(waits(`${gll("080000.0")}\n${gll("080000.1")}\n${gll("080000.2")}\n`)).toEqual([0, 100, 100]);
  });

  it("steps across midnight as one second", () => {
    expect(waits(`${rmc("235959.00")}\n${rmc("000000.00")}\n`)).toEqual([0, 1000]);
  });

  it("waits 1 s for a jump forward or backward of more than 10 s", () => {
    expect(waits(`${rmc("120000")}\n${rmc("120500")}\n${rmc("080000")}\n${rmc("080001")}\n`)).toEqual([0, 1000, 1000, 1000]);
  });

  it("sends a sentence stamped a little late without waiting, and does not wait twice for that second", () => {
    // GGA 12:00:01, RMC still stamped 12:00:00, then GGA 12:00:02.
    const capture = [gga("120000"), gga("120001"), rmc("120000"), gga("120002")].join("\n");
    expect(waits(`${capture}\n`)).toEqual([0, 1000, 0, 1000]);
  });
});

describe("capture player over a real pseudo-terminal", () => {
  let fixture: PtyFixture | null = null;
  let agent: AgentSide | null = null;
  let dir: TempDir | null = null;

  afterEach(async () => {
    await agent?.stop();
    await fixture?.close();
    await dir?.remove();
    agent = fixture = dir = null;
  });

  async function playTimed(capture: Buffer, speedFactor: number): Promise<{ tookMs: number; received: Buffer }> {
    fixture = await createPtyFixture({ name: "gps" });
    agent = await openAgentSide(fixture.devicePath, "gps");
    dir = await makeTempDir("muck-capture-");
    const file = join(dir.path, "capture.nmea");
    await writeFile(file, capture);

    const startedMs = performance.now();
    await playCapture(fixture.device!, await readCapture(file), { speedFactor }).done;
    const tookMs = performance.now() - startedMs;

    const expected = withoutAnnotations(capture.toString("latin1"));
    await waitFor(() => agent!.bytes().length >= expected.length, 3000, "every byte at the agent");
    return { tookMs, received: agent.bytes() };
  }

  it("plays three epochs in about 0.2 s at ×10, delivering every byte as recorded", async () => {
    const { tookMs, received } = await playTimed(Buffer.from(THREE_EPOCHS, "latin1"), 10);

    expect(tookMs).toBeGreaterThan(180);
    expect(tookMs).toBeLessThan(900);
    expect(received.toString("latin1")).toBe(withoutAnnotations(THREE_EPOCHS));
  });

  it("plays the same three epochs in about 2 s at the capture's own pace", async () => {
    const { tookMs, received } = await playTimed(Buffer.from(THREE_EPOCHS, "latin1"), 1);

    expect(tookMs).toBeGreaterThan(1900);
    expect(tookMs).toBeLessThan(3500);
    expect(received.toString("latin1")).toBe(withoutAnnotations(THREE_EPOCHS));
  });

  it("delivers a real receiver's capture byte for byte", async () => {
    requireGpsdData();
    if (!gpsdDataPresent) return;

    // 18 s of a BU-353 GLONASS receiver at ×100.
    const capture = await readFile(join(GPSD_DATA_DIR, "bu353-glonass.log"));
    const { received } = await playTimed(capture, 100);
    expect(received.equals(Buffer.from(withoutAnnotations(capture.toString("latin1")), "latin1"))).toBe(true);
  });

  it("stops early on stop(), and loops when asked", async () => {
    fixture = await createPtyFixture({ name: "gps" });
    agent = await openAgentSide(fixture.devicePath, "gps");
    const groups = groupCapture(Buffer.from(THREE_EPOCHS, "latin1"));

    const player = playCapture(fixture.device!, groups, { speedFactor: 20, loop: true });
    const once = withoutAnnotations(THREE_EPOCHS).length;
    await waitFor(() => agent!.bytes().length >= 2 * once, 3000, "a second pass");
    await player.stop();

    const atStop = agent.bytes().length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.bytes().length).toBe(atStop);
    expect(agent.bytes().subarray(once, 2 * once).toString("latin1")).toBe(withoutAnnotations(THREE_EPOCHS));
  });

  it("names the file when a capture cannot be read", async () => {
    const error = await readCapture("/nonexistent/capture.nmea").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MuckError);
    expect(error).toMatchObject({ code: "CAPTURE_NOT_FOUND" });
    expect((error as Error).message).toContain("/nonexistent/capture.nmea");
  });
});
