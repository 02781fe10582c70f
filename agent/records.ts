/**
 * Builds the record envelope around what the agent wants to send: id, sequence, kind, times,
 * schema version. The sequence is taken here and nowhere else.
 */
import {
  RECORD_SCHEMA_VERSION,
  type AgentEvent,
  type AgentRecord,
  type Fix,
  type RecordKind,
  type WeightSample,
} from "./contracts.js";

/** Where sequence numbers come from: the durable SequenceStore live, a counter in replay. */
export interface SequenceSource {
  take(): number;
}

export class RecordFactory {
  constructor(
    private readonly truckId: string,
    private readonly sequence: SequenceSource,
    private readonly clock: () => number = Date.now,
    /** Whether the gateway clock is confirmed by GPS; records made while it is not say so. */
    private readonly clockTrusted: () => boolean = () => true,
  ) {}

  position(fix: Fix): AgentRecord {
    return this.make("position", fix.time, {
      lat: fix.lat,
      lon: fix.lon,
      speedKmh: fix.speedKmh === null ? null : Math.round(fix.speedKmh * 100) / 100,
      courseDeg: fix.courseDeg,
      altM: fix.altM,
      hdop: fix.hdop,
      sats: fix.sats,
      quality: fix.quality,
      ...(fix.dateCorrected === true ? { dateCorrected: true } : {}),
    });
  }

  weight(sample: WeightSample, gpsTime: string | null): AgentRecord {
    return this.make("weight", gpsTime, { ...sample });
  }

  event(event: AgentEvent): AgentRecord {
    return this.make("event", event.startedAt, { ...event });
  }

  /** A completed trip (agent/detect/trip-builder.ts); its GPS time is the unload's end. */
  trip(trip: Record<string, unknown>, endedAt: string): AgentRecord {
    return this.make("trip", endedAt, { ...trip });
  }

  private make(kind: RecordKind, gpsTime: string | null, body: Record<string, unknown>): AgentRecord {
    const seq = this.sequence.take();
    return {
      id: `${this.truckId}:${seq}`,
      truckId: this.truckId,
      seq,
      kind,
      gpsTime,
      receivedAt: new Date(this.clock()).toISOString(),
      schema: RECORD_SCHEMA_VERSION,
      ...(this.clockTrusted() ? {} : { timeUncertain: true as const }),
      body,
    };
  }
}
