/** The live reader's framing: CR-only receivers, and a stream that never ends a line. */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { Fix } from "../../agent/contracts.js";
import { GpsReader } from "../../drivers/gps/gps-reader.js";
import { MAX_LINE_BYTES } from "../../drivers/gps/line-guard.js";
import { sleep } from "../helpers/wait-for.js";
import { sign } from "./nmea-helpers.js";

function reader(): { source: EventEmitter; fixes: Fix[]; gps: GpsReader } {
  const source = new EventEmitter();
  const fixes: Fix[] = [];
  const gps = new GpsReader(source as never, 50);
  gps.on("fix", (fix) => fixes.push(fix));
  return { source, fixes, gps };
}

describe("live GPS framing", () => {
  it("gets fixes out of a receiver that ends lines with CR alone, at once, not at the next LF", async () => {
    const { source, fixes, gps } = reader();
    for (let s = 0; s < 3; s++) {
      source.emit("data", Buffer.from(`${sign(`$GPRMC,08150${s}.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A`)}\r`, "latin1"));
      await sleep(80);
    }

    expect(fixes.map((f) => f.timeOfDay)).toEqual(["08:15:00.000", "08:15:01.000", "08:15:02.000"]);
    gps.close();
  });

  it("keeps a stream with no line end from growing without bound, and still decodes what follows", async () => {
    const { source, fixes, gps } = reader();
    const garbage = Buffer.alloc(200 * MAX_LINE_BYTES, 0x41);
    for (let i = 0; i < garbage.length; i += 4096) source.emit("data", garbage.subarray(i, i + 4096));
    source.emit("data", Buffer.from(`\r\n${sign("$GPRMC,081500.00,A,3114.5000,N,12128.2000,E,20.0,90.0,151126,,,A")}\r\n`, "latin1"));
    await sleep(80);

    expect(fixes).toHaveLength(1);
    const { overlong, tail } = gps.stats().faults;
    expect(overlong + tail).toBeGreaterThanOrEqual(199); // the garbage, cut into bounded pieces and counted
    gps.close();
  });
});
