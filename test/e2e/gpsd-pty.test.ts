/**
 * The gpsd comparison once more, through a pseudo-terminal into the running agent: the bytes of
 * real captures go down a pty in small writes, the agent reads them with serialport, and its
 * fixes must equal the offline replay's (which gpsd-compare.test.ts checks against gpsd).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Fix } from "../../agent/contracts.js";
import { Agent } from "../../agent/runtime.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { forEachCaptureLine } from "../../drivers/gps/capture.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { GPSD_DATA_DIR, gpsdDataPresent, requireGpsdData } from "../gps/gpsd-data.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";

// A long moving track, CR CR LF ends, `$$` starts, bad checksums, a spliced line. One agent reads
// them all in a row, as a receiver swapped on a running gateway; zeus goes first because its first
// epochs have no date yet, which a capture played after another would inherit.
const LOGS = ["bundg_zeus_9.log", "telit-pls83-w.log", "st-teseo-liv4f.log", "firefly-II.log", "triton400.log"];

let gps: PtyFixture | null = null;
let dataDir: TempDir | null = null;
let agent: Agent | null = null;
afterEach(async () => {
  await agent?.stop();
  await gps?.close();
  await dataDir?.remove();
});

async function offlineFixes(log: string): Promise<Fix[]> {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix));
  await forEachCaptureLine(join(GPSD_DATA_DIR, log), (line) => decoder.pushLine(line));
  decoder.flush();
  return fixes;
}

/** The capture's bytes as the receiver sent them: header (`#`) lines removed, everything else exact. */
function receiverBytes(log: string): Buffer {
  const text = readFileSync(join(GPSD_DATA_DIR, log), "latin1");
  const kept = text.split("\n").filter((line) => !line.startsWith("#"));
  return Buffer.from(kept.join("\n"), "latin1");
}

const comparable = (fix: Fix) => ({ ...fix, receivedAtMs: 0, receivedMonoMs: 0 });

describe("gpsd captures through a pty into the running agent", () => {
  it("has the captures (fails in CI when they are missing)", () => {
    requireGpsdData();
  });

  it.skipIf(!gpsdDataPresent)("gives the same fixes as the offline replay, for every capture", async () => {
    gps = await createPtyFixture({ name: "gps" });
    dataDir = await makeTempDir("muck-gpsd-pty-");
    agent = new Agent(
      AgentConfigSchema.parse({
        truckId: "TRK-GPSD",
        dataDir: dataDir.path,
        log: { level: "silent" },
        gps: { path: gps.devicePath, silenceTimeoutS: 60, epochIdleMs: 400 },
        mqtt: { url: "mqtt://127.0.0.1:9" }, // no broker: records wait in the outbox
      }),
    );
    const live: Fix[] = [];
    agent.onFix = (fix) => live.push(fix);
    await agent.start();
    await waitFor(() => agent!.status().devices.gps === "open", 5000, "GPS port open");

    for (const log of LOGS) {
      live.length = 0;
      const expected = await offlineFixes(log);
      const bytes = receiverBytes(log);
      for (let i = 0; i < bytes.length; i += 61) {
        await gps.device!.write(bytes.subarray(i, i + 61));
        if (i % (61 * 64) === 0) await sleep(1);
      }
      await waitFor(() => live.length >= expected.length, 10_000, `${log}: ${expected.length} fixes`);
      await sleep(500);

      expect(live.map(comparable), log).toEqual(expected.map(comparable));
    }
  });
});
