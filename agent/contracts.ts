/**
 * The contracts between the agent's stages. Everything that crosses a stage boundary is one of
 * these shapes, so each stage can be read and tested alone.
 *
 *   serial bytes ─▶ drivers (gps, scale) ─▶ Fix / WeightSample
 *                ─▶ agent (cadence, detectors) ─▶ AgentRecord (position | weight | event | …)
 *                ─▶ outbox (LevelDB) ─▶ uplink (MQTT)
 *
 * Units are in the field names: Kmh, Deg, M, Kg, Ms. Times are ISO-8601 UTC strings with
 * milliseconds (`2023-12-30T20:07:28.500Z`) unless a name ends in `Ms` (epoch milliseconds).
 */

/** GNSS fix quality, after the GGA quality indicator (0..8), normalised to names. */
export type FixQuality =
  | "none"
  | "gps"
  | "dgps"
  | "pps"
  | "rtk"
  | "float-rtk"
  | "estimated"
  | "manual"
  | "simulation";

/**
 * One fix: everything the receiver said about one epoch (one measurement instant).
 *
 * Life cycle: built by the GPS driver's epoch assembler from the sentences that share one UTC
 * time-of-day, emitted when that epoch closes, read by the cadence and the detectors, never
 * mutated. A fix without a position (`valid: false`) is still emitted, because "the receiver is
 * alive but has no fix" is itself evidence (a covered antenna looks exactly like that).
 */
export interface Fix {
  /** UTC time of the epoch, with milliseconds; null until a date was seen (RMC or ZDA). */
  time: string | null;
  /** UTC time of day of the epoch, `hh:mm:ss.sss`; null when the receiver sent an empty time. */
  timeOfDay: string | null;
  /** Decimal degrees, WGS84; null when the epoch has no valid position. Never 0,0 by default. */
  lat: number | null;
  lon: number | null;
  /** Speed over ground in km/h (knots × 1.852); null when no sentence carried it. */
  speedKmh: number | null;
  /** Course over ground, degrees true 0..360; null when the field was empty. */
  courseDeg: number | null;
  /** Altitude above mean sea level (GGA/GNS), metres; may be negative. */
  altM: number | null;
  /** Geoid separation (GGA/GNS), metres; may be negative. */
  geoidSepM: number | null;
  /** Horizontal dilution of precision (GGA/GNS, else GSA). */
  hdop: number | null;
  /** Satellites used in the solution, from the combined (GN) solution when the receiver gives one. */
  sats: number | null;
  quality: FixQuality;
  /** 2 = 2D, 3 = 3D, from GSA; null when no GSA said. */
  mode: 2 | 3 | null;
  /** True only when the position sentences say valid and no GSA of the epoch says "no fix". */
  valid: boolean;
  /** Gateway clock when the epoch closed, epoch ms. Never used as the fix time. */
  receivedAtMs: number;
  /** Monotonic clock (performance.now) when the epoch closed: intervals that survive a gateway clock jump. */
  receivedMonoMs?: number;
  /** Sentence types that contributed, e.g. ["GNRMC", "GNGGA"] — for diagnostics. */
  sources: string[];
  /** The receiver missed a GPS week rollover and `time` was moved 1024 weeks forward. */
  dateCorrected?: boolean;
}

/** Which weight a load cell reports. */
export type WeightKind = "gross" | "net";

/**
 * One weight sample from the load-cell indicator.
 *
 * Life cycle: decoded by the scale driver from one frame, normalised to kilograms, emitted at
 * the indicator's rate, read by the weight cadence and the load detectors.
 */
export interface WeightSample {
  /** Gateway clock when the frame arrived, ISO UTC (indicators do not send a time). */
  time: string;
  weightKg: number;
  kind: WeightKind;
  /** The indicator's own motion flag: a weight is only trusted while stable. */
  stable: boolean;
  overload: boolean;
  /** The indicator reported an error or an under-range reading; weightKg is not meaningful. */
  error: boolean;
}

/** Kinds of record the agent publishes; `<prefix>/<truckId>/<kind>` is the topic. */
export type RecordKind = "position" | "weight" | "event" | "trip" | "status";

/** Event severities: an alarm is a violation an officer acts on. */
export type EventSeverity = "info" | "warning" | "alarm";

/**
 * Something the agent decided happened: a violation, a state change, a fault of its own.
 * Carried as the body of an `event` record.
 */
export interface AgentEvent {
  /** Stable machine name, e.g. `overspeed`, `illegal_dump`, `gps_gap`, `port_lost`. */
  type: string;
  severity: EventSeverity;
  /** When it started (GPS time when known, else gateway time), ISO UTC. */
  startedAt: string;
  /** When it ended, when the event covers an interval. */
  endedAt?: string;
  lat?: number | null;
  lon?: number | null;
  /** Free-form details with units in their names (speedKmh, limitKmh, zoneId, …). */
  details?: Record<string, unknown>;
}

/** Schema version of the record envelope; bumped on any incompatible change. */
export const RECORD_SCHEMA_VERSION = 1;

/**
 * The envelope of everything the agent stores and sends.
 *
 * Life cycle: created by the agent with the next sequence number, written to the outbox before
 * anything else sees it, published at least once, deleted from the outbox on its own PUBACK.
 * `id` is unique per truck forever, so consumers drop duplicates by it.
 */
export interface AgentRecord {
  /** `<truckId>:<seq>`. */
  id: string;
  truckId: string;
  /** Per-truck sequence number; only grows, survives a lost store. */
  seq: number;
  kind: RecordKind;
  /** GPS UTC time of what the record describes, when known. */
  gpsTime: string | null;
  /** Gateway clock when the record was created, ISO UTC. */
  receivedAt: string;
  schema: typeof RECORD_SCHEMA_VERSION;
  /** Present (true) when the gateway clock was not confirmed by GPS: `receivedAt` may be anything. */
  timeUncertain?: true;
  body: Record<string, unknown>;
  /**
   * Hash of the record before it in the truck's chain (base64url, 32 bytes), set when the outbox
   * accepts the record; null for a chain's first record (agent/trail/chain.ts).
   */
  prev?: string | null;
  /**
   * Ed25519 signature (base64url) over this record's chain hash, added when it is published: on
   * every single message, on the last record of a batch. Never stored in the outbox.
   */
  sig?: string;
}
