/**
 * Every gpsd regression capture replayed through the GPS driver and compared with gpsd's own
 * decode (.chk). SOURCE.md beside the data describes both files; the reference reading in
 * gpsd-reference.ts is written from that description alone.
 */
import { describe, expect, it } from "vitest";
import type { Fix } from "../../agent/contracts.js";
import { forEachCaptureLine } from "../../drivers/gps/capture.js";
import { GpsDecoder, type GpsStats } from "../../drivers/gps/gps-decoder.js";
import { GPSD_DATA_DIR, gpsdDataPresent, gpsdLogs, requireGpsdData } from "./gpsd-data.js";
import { checkedSentences, lastTpvByTime, readTpvs, validRmcTimes, type Tpv } from "./gpsd-reference.js";

const WEEKS_1024_MS = 1024 * 7 * 86_400_000;

/** Fault counts SOURCE.md documents per log (every other log: zero of each). */
const DOCUMENTED_FAULTS: Record<string, Partial<GpsStats["faults"]>> = {
  "com-1289.log": { badChecksum: 1 },
  "firefly-II.log": { badChecksum: 23 },
  "gpsdf.log": { badChecksum: 46 },
  "holux-gm-210.log": { missingChecksum: 1 },
  "mtk-3301.log": { missingChecksum: 3 },
  "saab-r4.log": { ais: 14 },
  "sl869.log": { missingChecksum: 1 },
  "st-teseo-liv4f.log": { doubleDollar: 330, badChecksum: 1 },
  "tomtom-mkII.log": { noise: 1 },
  // SOURCE.md's checker reads the spliced line from its first `$` and finds a bad checksum; the
  // driver counts it as spliced and decodes the intact GLL behind the second `$`, as gpsd does.
  "triton400.log": { spliced: 1 },
};
const CHECKED_KINDS = ["badChecksum", "missingChecksum", "doubleDollar", "ais", "spliced", "noise", "tail", "cutOff", "overlong", "malformed"] as const;

/**
 * Epochs where gpsd's last TPV is not the receiver's word, each with what we assert instead.
 * `nextLost`: gpsd reports the next epoch's loss of fix under this epoch's time (its TPV has a
 * stale time); the receiver said A here and V in the next epoch, so ours is valid here and the
 * following fix is invalid.
 */
const NEXT_EPOCH_LOST: Record<string, string[]> = {
  "tomtom-mkII.log": ["2010-06-20T17:57:39.000Z"],
  "unicore-um621.log": ["2024-06-09T00:07:05.000Z"],
};

async function replay(log: string): Promise<{ fixes: Fix[]; stats: GpsStats }> {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix));
  await forEachCaptureLine(`${GPSD_DATA_DIR}/${log}`, (line) => decoder.pushLine(line));
  decoder.flush();
  return { fixes, stats: decoder.stats() };
}

function byTime(fixes: Fix[], shiftMs = 0): Map<string, Fix> {
  const map = new Map<string, Fix>();
  for (const fix of fixes) {
    if (fix.time !== null) map.set(new Date(Date.parse(fix.time) + shiftMs).toISOString(), fix);
  }
  return map;
}

/** zeus: per second, the GGA position, else the GLL one: the order the driver documents. */
function ownTimePositions(log: string): Map<string, { lat: number; lon: number }> {
  const gga = new Map<string, { lat: number; lon: number }>();
  const gll = new Map<string, { lat: number; lon: number }>();
  const dm = (v: string, deg: number) => Number(v.slice(0, deg)) + Number(v.slice(deg)) / 60;
  for (const s of checkedSentences(log)) {
    const f = s.split(",");
    if (f[0]!.endsWith("GGA") && f[2] !== "") gga.set(f[1]!, { lat: dm(f[2]!, 2), lon: dm(f[4]!, 3) });
    if (f[0]!.endsWith("GLL") && f[1] !== "") gll.set(f[5]!, { lat: dm(f[1]!, 2), lon: dm(f[3]!, 3) });
  }
  for (const [time, position] of gll) if (!gga.has(time)) gga.set(time, position);
  return gga;
}

function expectSameFix(fix: Fix | undefined, tpv: Tpv, where: string): void {
  expect(fix, `${where}: no fix at this time`).toBeDefined();
  expect(fix!.valid, `${where}: valid`).toBe(true);
  expect(Math.abs(fix!.lat! - tpv.lat!), `${where}: lat ${fix!.lat} vs ${tpv.lat}`).toBeLessThanOrEqual(1e-7);
  expect(Math.abs(fix!.lon! - tpv.lon!), `${where}: lon ${fix!.lon} vs ${tpv.lon}`).toBeLessThanOrEqual(1e-7);
  if (tpv.speed !== undefined) {
    expect(Math.abs(fix!.speedKmh! - tpv.speed * 3.6), `${where}: speed`).toBeLessThanOrEqual(0.01);
  }
}

describe("GPS driver against gpsd on real receiver captures", () => {
  it("finds the captures (fails in CI when they are missing)", () => {
    requireGpsdData();
    if (gpsdDataPresent) expect(gpsdLogs().length).toBe(25);
  });

  describe.skipIf(!gpsdDataPresent).each(gpsdLogs())("%s", (log) => {
    it("matches gpsd's fix for every RMC-status-A epoch, minus the documented exceptions", async () => {
      const { fixes } = await replay(log);
      // rst39's receiver missed the GPS week rollover; gpsd moves its 2014 date 1024 weeks on,
      // the driver keeps the receiver's date. Matched with the shift, everything else is equal.
      const ours = byTime(fixes, log === "rst39.log" ? WEEKS_1024_MS : 0);
      const tpvs = lastTpvByTime(readTpvs(log));
      const exceptions = new Set(NEXT_EPOCH_LOST[log] ?? []);
      const gga = log === "bundg_zeus_9.log" ? ownTimePositions(log) : null;

      let compared = 0;
      for (const time of new Set(validRmcTimes(log).map((t) => shiftIso(t, log)))) {
        const tpv = tpvs.get(time);
        if (tpv === undefined) continue; // SOURCE.md: a few first epochs have no TPV; skipped
        compared++;
        const fix = ours.get(time);

        if (exceptions.has(time)) {
          expect(fix?.valid, `${time}: the receiver had a fix`).toBe(true);
          const next = fixes[fixes.indexOf(fix!) + 1];
          expect(next?.valid, `${time}: the next epoch lost it`).toBe(false);
        } else if (gga !== null) {
          // zeus stamps RMC a second late; the driver takes that second's GGA position, else its
          // GLL; gpsd takes whichever came last. Speed is not compared: the late RMC and the
          // VTG disagree, and gpsd keeps whichever came last. (Both capture hemispheres: N, E.)
          // Seconds with only an RMC leave one choice, gpsd's too.
          const ref = gga.get(time.slice(11, 19).replaceAll(":", "")) ?? { lat: tpv.lat!, lon: tpv.lon! };
          expectSameFix(fix, { mode: 3, ...ref }, time);
        } else if (tpv.mode < 2) {
          expect(fix?.valid, `${time}: gpsd has no fix`).toBe(false);
        } else {
          expectSameFix(fix, tpv, time);
        }
      }
      expect(compared).toBe(new Set([...tpvs.keys()].filter((t) => validRmcTimesSet(log).has(t))).size);
    });

    it("gives valid: false and no position wherever gpsd has no fix", async () => {
      const { fixes } = await replay(log);
      const ours = byTime(fixes, log === "rst39.log" ? WEEKS_1024_MS : 0);
      const exceptions = new Set(NEXT_EPOCH_LOST[log] ?? []);
      let noFixEpochs = 0;

      for (const [time, tpv] of lastTpvByTime(readTpvs(log))) {
        if (tpv.mode >= 2 || exceptions.has(time)) continue;
        const fix = ours.get(time);
        if (fix === undefined) continue; // gpsd stamps some no-fix TPVs from ZDA alone
        noFixEpochs++;
        expect(fix.valid, `${time}`).toBe(false);
        expect(fix.lat, `${time}`).toBeNull();
        expect(fix.lon, `${time}`).toBeNull();
      }
      if (log === "skytraq.log") expect(noFixEpochs).toBeGreaterThan(0);
      // SOURCE.md: holux and skytraq never had a fix (holux never even sent a date).
      if (["holux-gm-210.log", "skytraq.log"].includes(log)) {
        expect(fixes.length).toBeGreaterThan(10);
        expect(fixes.filter((f) => f.valid || f.lat !== null)).toEqual([]);
      }
    });

    it("counts the faults SOURCE.md documents, exactly", async () => {
      const { stats } = await replay(log);
      const documented = DOCUMENTED_FAULTS[log] ?? {};
      for (const kind of CHECKED_KINDS) {
        expect(stats.faults[kind], `${kind}`).toBe(documented[kind] ?? 0);
      }
    });
  });
});

function shiftIso(time: string, log: string): string {
  return log === "rst39.log" ? new Date(Date.parse(time) + WEEKS_1024_MS).toISOString() : time;
}

function validRmcTimesSet(log: string): Set<string> {
  return new Set(validRmcTimes(log).map((t) => shiftIso(t, log)));
}
