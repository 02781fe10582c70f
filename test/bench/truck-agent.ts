/**
 * The agent's input half, wired as agent/runtime.ts wires it, minus the serial ports: GPS bytes
 * into the live GpsReader (line guard, readline framing, decoder, epoch assembly), scale bytes
 * into the ScaleDriver, both into the RecordPipeline with its detectors and zones, records to
 * `emit` (a counter, or a real outbox). The clock is the truck's: it follows the GPS time of the
 * bytes fed, so an hour replayed in a second looks like an hour to every timer-free decision.
 */
import { EventEmitter } from "node:events";
import type { AgentRecord } from "../../agent/contracts.js";
import { RecordPipeline } from "../../agent/pipeline.js";
import { AgentConfigSchema, type AgentConfig } from "../../config/schema.js";
import type { ZoneIndex } from "../../config/zones/zone.js";
import { GpsReader } from "../../drivers/gps/gps-reader.js";
import { ScaleDriver } from "../../drivers/scale/scale-driver.js";
import type { TruckStream } from "./workload.js";

export function benchConfig(truckId: string, overrides: Record<string, unknown> = {}): AgentConfig {
  return AgentConfigSchema.parse({ truckId, ...overrides });
}

export interface TruckAgent {
  /** Feeds the stream, yielding to the event loop between chunks as a serial port would. */
  feed(stream: TruckStream, withScale: boolean): Promise<void>;
  linesSeen(): number;
  close(): void;
}

export function truckAgent(config: AgentConfig, zones: ZoneIndex | null, emit: (record: AgentRecord) => void): TruckAgent {
  let nowMs = 0;
  const clock = () => nowMs;
  const gpsPort = new EventEmitter();
  const gps = new GpsReader(gpsPort as never, config.gps.epochIdleMs, clock);
  const scale = new ScaleDriver({ protocol: "ascii", clock });
  const pipeline = new RecordPipeline(config, { take: counter() }, emit, clock);
  pipeline.detect({ config: config.detect, zones, timeZone: config.zones.timeZone, truckId: config.truckId });
  gps.on("fix", (fix) => pipeline.onFix(fix));
  gps.on("antenna", (report) => pipeline.onAntenna(report));
  scale.on("sample", (sample) => pipeline.onWeight(sample));

  return {
    async feed(stream, withScale) {
      for (let i = 0; i < stream.gps.length; i++) {
        nowMs = stream.timesMs[i]!;
        gpsPort.emit("data", stream.gps[i]);
        if (withScale) scale.push(stream.scale[i]!);
        if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    linesSeen: () => gps.stats().lines,
    close: () => gps.close(),
  };
}

function counter(): () => number {
  let seq = 0;
  return () => ++seq;
}
