/**
 * Bytes on air per position record in batched backfill, integrity included, and what the trail's
 * signing costs: `npx tsx test/trail/measure-air.ts`. Prints one JSON object.
 *
 * The hour: test/trail/hour-of-positions.ts (the simulator's Shanghai muck trip, 1 Hz, through the
 * agent's GPS driver, with receiver noise), batched as the drain does with the default limits
 * (200 records, 4,800 bytes) and signed with a fresh Ed25519 key. `mqttBytesPerPosition` counts
 * the whole MQTT 3.1.1 PUBLISH packet (fixed header, topic, packet id) — what the broker bills —
 * against JT/T 808's 43-byte 0x0200 report. Real captures from ../shared/data/nmea/gpsd, when
 * present, are measured the same way as a cross-check (short: one or two batches each).
 */
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import mqttPacket from "mqtt-packet";
import type { AgentRecord, Fix } from "../../agent/contracts.js";
import { packBatch } from "../../agent/batch.js";
import { RecordFactory } from "../../agent/records.js";
import { ChainLinker, recordHash } from "../../agent/trail/chain.js";
import { verifyTrailSignature, type Signer } from "../../agent/trail/identity.js";
import { GpsDecoder } from "../../drivers/gps/gps-decoder.js";
import { forEachCaptureLine } from "../../drivers/gps/capture.js";
import { hourOfRecords } from "./hour-of-positions.js";
import { newIdentity } from "./stream.js";

const LIMITS = { maxRecords: 200, maxBytes: 4800 };
const JTT808_BYTES = 43;
const TOPIC = "muck/TRK-0001/batch";

function publishBytes(payload: Buffer): number {
  return mqttPacket.generate({ cmd: "publish", topic: TOPIC, payload, qos: 1, messageId: 1, retain: false, dup: false }).length;
}

function airOf(positions: readonly AgentRecord[], signer: Signer | null) {
  let payload = 0;
  let packets = 0;
  let batches = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < positions.length; ) {
    const batch = packBatch(positions.slice(i), LIMITS, signer);
    payload += batch.payload.length;
    packets += publishBytes(batch.payload);
    batches++;
    i += batch.count;
  }
  const encodeUs = Number(process.hrtime.bigint() - started) / 1000 / positions.length;
  return { batches, payloadBytesPerPosition: round(payload / positions.length), mqttBytesPerPosition: round(packets / positions.length), encodeUsPerPosition: round(encodeUs) };
}

/** The former format, gzip NDJSON in batches of the same size, for comparison. */
function gzipNdjsonBytes(positions: readonly AgentRecord[]): number {
  let bytes = 0;
  for (let i = 0; i < positions.length; i += LIMITS.maxRecords) {
    bytes += gzipSync(positions.slice(i, i + LIMITS.maxRecords).map((r) => JSON.stringify(r)).join("\n")).length;
  }
  return round(bytes / positions.length);
}

function microseconds(times: number, work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < times; i++) work();
  return round(Number(process.hrtime.bigint() - started) / 1000 / times);
}

async function capturePositions(file: string): Promise<AgentRecord[]> {
  const fixes: Fix[] = [];
  const decoder = new GpsDecoder((fix) => fixes.push(fix), () => 0);
  await forEachCaptureLine(file, (line) => decoder.pushLine(line));
  decoder.flush();
  let seq = 0;
  const factory = new RecordFactory("TRK-0001", { take: () => ++seq }, () => Date.parse("2026-12-03T08:00:00Z") + seq * 1000 + 260);
  const chain = new ChainLinker(null);
  return fixes
    .filter((fix) => fix.valid && fix.time !== null)
    .map((fix) => factory.position(fix))
    .map((record) => (chain.adopt(chain.link(record)), record));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const identity = newIdentity();
const hour = hourOfRecords({ seconds: 3600 }).filter((r) => r.kind === "position");

const signed = airOf(hour, identity.signer);
const unsigned = airOf(hour, null);
const hash = recordHash(hour[0]!);
const signUs = microseconds(2000, () => identity.signer.sign(hash));
const sig = identity.signer.sign(hash);
const verifyUs = microseconds(2000, () => verifyTrailSignature(identity.publicKey, hash, sig));
const hashUs = microseconds(20_000, () => recordHash(hour[7]!));

const captures: Record<string, unknown> = {};
for (const name of ["bundg_zeus_9", "nmea-rtk", "haicom-305N"]) {
  const file = `../shared/data/nmea/gpsd/${name}.log`;
  if (!existsSync(file)) continue;
  const positions = await capturePositions(file);
  if (positions.length > 0) captures[name] = { positions: positions.length, ...airOf(positions, identity.signer) };
}

const perBatchSignature = signed.payloadBytesPerPosition - unsigned.payloadBytesPerPosition;
console.log(JSON.stringify({
  hour: { positions: hour.length, ...signed, targetBytes: JTT808_BYTES, ratio: round(signed.mqttBytesPerPosition / JTT808_BYTES) },
  unsignedPayloadBytesPerPosition: unsigned.payloadBytesPerPosition,
  gzipNdjsonBytesPerPosition: gzipNdjsonBytes(hour),
  signing: {
    perBatch: { bytesPerPosition: round(perBatchSignature), cpuUsPerHour: round(signed.batches * signUs) },
    perRecord: { bytesPerPosition: 64, cpuUsPerHour: round(hour.length * signUs) },
    signUs,
    verifyUs,
    chainHashUsPerRecord: hashUs,
  },
  captures,
}, null, 1));
