/**
 * A realistic hour of 1 Hz positions for the bytes-on-air measurement and the batch round trip:
 * the simulator's muck trip in Shanghai (loading stop, arterial road at 70 km/h, tipping stop,
 * the way back, looped), written as the NMEA a receiver sends and decoded by the agent's own GPS
 * driver, one position record per fix. The simulator's sky is perfect; a real receiver is not, so
 * with `noise` the position wanders as GNSS error does (a random walk of centimetres a second),
 * and satellites, HDOP and altitude change as a receiver's do. A weight every 60 s and an event
 * every ten minutes are chained in between, as the agent chains them, so batches of positions
 * meet the chain breaks they meet on a truck.
 */
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { RecordFactory } from "../../agent/records.js";
import { ChainLinker } from "../../agent/trail/chain.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { driveEpochs } from "../../simulator/drive.js";
import { epochSentences } from "../../simulator/nmea-sentences.js";
import { seededRandom } from "../../simulator/prng.js";
import { Route } from "../../simulator/route.js";
import { muckTrip, SHANGHAI_ROUTE } from "../../simulator/trip.js";

export interface HourOptions {
  seconds?: number;
  noise?: boolean;
  seed?: number;
  truckId?: string;
  /** Where sequence numbers come from; default 1, 2, 3, … */
  take?: () => number;
}

const M_PER_DEG_LAT = 111_320;

export function hourOfRecords(options: HourOptions = {}): AgentRecord[] {
  const seconds = options.seconds ?? 3600;
  const random = seededRandom(options.seed ?? 7);
  const fixes = decodedFixes(seconds, options.noise ?? true, random);

  let seq = 0;
  let clockMs = 0;
  const factory = new RecordFactory(options.truckId ?? "TRK-0001", { take: options.take ?? (() => ++seq) }, () => clockMs);
  const chain = new ChainLinker(null);
  const records: AgentRecord[] = [];
  const add = (record: AgentRecord) => {
    chain.adopt(chain.link(record));
    records.push(record);
  };

  for (const [i, fix] of fixes.entries()) {
    // The epoch closes 250 ms after its last sentence (gps.epochIdleMs), give or take the serial line.
    clockMs = Date.parse(fix.time!) + 250 + Math.floor(random() * 40);
    add(factory.position(fix));
    if (i % 60 === 30) add(factory.weight({ time: new Date(clockMs).toISOString(), weightKg: 12_340 + Math.round(random() * 40), kind: "gross", stable: true, overload: false, error: false }, fix.time));
    if (i % 600 === 300) add(factory.event({ type: "zone_exit", severity: "info", startedAt: fix.time!, lat: fix.lat, lon: fix.lon, details: { zoneId: "site-1" } }));
  }
  return records;
}

function decodedFixes(seconds: number, noise: boolean, random: () => number): Fix[] {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix), () => 0);
  const trip = muckTrip(new Route([...SHANGHAI_ROUTE]), { startTimeMs: Date.UTC(2026, 11, 3, 8), loop: true });
  const sky = { northM: 0, eastM: 0, sats: 14, hdop: 0.8, altM: 5 };

  for (const epoch of driveEpochs(trip.plan)) {
    if (epoch.index >= seconds) break;
    if (noise) wander(sky, random);
    const lat = epoch.lat + sky.northM / M_PER_DEG_LAT;
    const lon = epoch.lon + sky.eastM / (M_PER_DEG_LAT * Math.cos((epoch.lat * Math.PI) / 180));
    for (const line of epochSentences({ ...epoch, lat, lon })) decoder.pushLine(withSky(line, sky));
  }
  decoder.flush();
  return fixes.filter((fix) => fix.valid);
}

/** GNSS error drifts by centimetres a second; the receiver's satellite count and DOP move in steps. */
function wander(sky: { northM: number; eastM: number; sats: number; hdop: number; altM: number }, random: () => number): void {
  sky.northM = clamp(sky.northM + (random() - 0.5) * 0.2, -3, 3);
  sky.eastM = clamp(sky.eastM + (random() - 0.5) * 0.2, -3, 3);
  if (random() < 0.05) sky.sats = clamp(sky.sats + (random() < 0.5 ? -1 : 1), 8, 20);
  if (random() < 0.1) sky.hdop = clamp(Math.round((sky.hdop + (random() - 0.5) * 0.2) * 10) / 10, 0.5, 2.5);
  sky.altM = clamp(Math.round((sky.altM + (random() - 0.5) * 0.4) * 10) / 10, -5, 30);
}

/** The GGA with this second's satellites, HDOP and altitude (its checksum recomputed). */
function withSky(line: string, sky: { sats: number; hdop: number; altM: number }): string {
  if (!line.startsWith("$GNGGA")) return line;
  const fields = line.slice(1, line.indexOf("*")).split(",");
  fields[7] = String(sky.sats).padStart(2, "0");
  fields[8] = sky.hdop.toFixed(1);
  fields[9] = sky.altM.toFixed(1);
  const body = fields.join(",");
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
