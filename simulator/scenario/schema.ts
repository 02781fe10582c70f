/**
 * The scenario file: a muck truck's day (or minute) as steps, the faults to inject on the way,
 * the world it drives in, the law the ground truth is judged by, and what the agent runs with.
 * YAML or JSON; validated here, every problem reported with its line (load.ts).
 *
 * Positions are metres east and north of `origin` (`[x, y]`), `{ lat, lon }`, or a place name
 * (the built-in map's, world.ts, or the file's own `places`). Times inside a step are seconds
 * from the step's start; spans are `[fromS, toS)`.
 */
import { z } from "zod";

import { parseClock } from "../../config/zones/local-time.js";

const seconds = z.number().min(0);
const kg = z.number();
const Xy = z.tuple([z.number(), z.number()]);
const LatLon = z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) });
export const PlaceSchema = z.union([z.string().min(1), Xy, LatLon]);

const Span = z
  .tuple([seconds, seconds])
  .refine(([from, to]) => from < to, { message: "a span is [fromS, toS) with fromS < toS" });

const Device = z.enum(["gps", "scale"]);
const InputName = z.enum(["bodyLift", "cover", "ignition"]);
const Inputs = z.partialRecord(InputName, z.boolean());

const clock = z.string().refine((text) => parseClock(text) !== undefined, { message: 'not a clock time "HH:MM"' });

/** What can go wrong during a step; every field is optional. */
const StepFaults = {
  /** The receiver reports no fix (status V): a tunnel, an underpass, a covered antenna. */
  noFix: Span.optional(),
  /** The receiver sends nothing at all. */
  silent: Span.optional(),
  /** Fixes flagged valid with this HDOP (a spike the fix gate must reject). */
  hdop: z.strictObject({ span: Span, hdop: z.number().positive() }).optional(),
  /** One valid-flagged fix at a wrong place (multipath jump). */
  outlier: z.strictObject({ atS: seconds, at: PlaceSchema }).optional(),
  /** Sentences with a wrong checksum. */
  badChecksum: Span.optional(),
  /** Sentences cut off halfway (a line lost mid-sentence). */
  cutLines: Span.optional(),
  /** An antenna status sentence (e.g. "$GNTXT,01,01,02,ANTSTATUS=OPEN*2B") before the epoch atS. */
  antenna: z.strictObject({ atS: seconds, sentence: z.string().min(1) }).optional(),
  /** The scale reports an error (overload frame) instead of a weight. */
  scaleError: Span.optional(),
  /** Scale frames flagged unstable (motion) whatever the weight does. */
  unstable: Span.optional(),
  /** Bytes at a wrong baud rate instead of data on a device. */
  garbage: z.strictObject({ device: Device.default("gps"), span: Span }).optional(),
  /** A device pulled `atS` into the step and plugged back `forS` later. */
  unplug: z
    .strictObject({ device: Device, atS: seconds, forS: z.number().positive(), mode: z.enum(["hangup", "silent"]).default("hangup") })
    .optional(),
  /** The truck's link to the broker is down from `atS` for `forS` (a cell outage). */
  brokerOutage: z.strictObject({ atS: seconds, forS: z.number().positive() }).optional(),
  /** Input switch changes at the step's start. */
  inputs: Inputs.optional(),
};

const StayStep = z.strictObject({
  /** Parked for this many seconds. */
  stay: z.int().positive(),
  at: PlaceSchema.optional(),
  /** Load or unload to this weight, starting `changeAtS` into the stay and lasting `changeS`. */
  weightTo: kg.optional(),
  changeAtS: seconds.optional(),
  changeS: z.number().positive().optional(),
  /** Load in this many equal buckets instead of a ramp. */
  buckets: z.int().positive().optional(),
  /** Raise the body during the change (tipping). */
  bodyLift: z.boolean().optional(),
  /** GPS drift: the fixes wander this far around the spot. */
  driftM: z.number().min(0).optional(),
  /** The load shifts under braking: unstable readings this far off for the first seconds. */
  wobbleKg: z.number().min(0).optional(),
  /** The reading creeps by this much over the whole stay (temperature). */
  weightDriftKg: z.number().optional(),
  ...StepFaults,
});

const DriveStep = z.strictObject({
  /** Places to drive through in order, or a route file (GeoJSON LineString, GPX track). */
  drive: z.union([z.array(PlaceSchema).min(1), z.string().min(1)]),
  /** A constant speed, or "limit": the speed limit wherever the truck is, plus limitOffsetKmh. */
  speedKmh: z.union([z.number().positive().max(200), z.literal("limit")], {
    error: 'a speed in km/h (above 0, at most 200) or "limit"',
  }),
  limitOffsetKmh: z.number().optional(),
  /** Speed varies by up to this each second, around speedKmh. */
  speedJitterKmh: z.number().min(0).optional(),
  /** Rough road: readings shake by up to this either way. */
  vibrationKg: z.number().min(0).optional(),
  /** Load lost over 30 s from `spillAtS` into the drive. */
  spillKg: z.number().positive().optional(),
  spillAtS: seconds.optional(),
  ...StepFaults,
});

export const StepSchema = z.union([StayStep, DriveStep]);

const Truck = z.strictObject({
  id: z.string().regex(/^[^/+#\s]+$/).default("TRK-SIM-01"),
  plate: z.string().optional(),
  permitId: z.string().optional(),
  /** What the scale reads with the body empty (the tare, for gross weights). */
  emptyKg: kg.default(0),
  /** Rated limit of what the scale reads; unset: no overload rule. */
  maxWeightKg: kg.optional(),
  /** Local hours the permit allows loaded driving. */
  permitHours: z.array(z.strictObject({ from: clock, to: clock })).default([]),
});

/** The law the ground truth applies (the agent's thresholds are its own, in agent.config). */
const Rules = z.strictObject({
  defaultLimitKmh: z.number().positive().default(60),
  toleranceKmh: z.number().min(0).default(5),
  overspeedS: seconds.default(5),
  /** An episode ends at or below the limit minus this, held for clearS. */
  hysteresisKmh: z.number().min(0).default(5),
  clearS: seconds.default(10),
  deviationS: seconds.default(30),
  deviationM: seconds.default(200),
  noGoDwellS: seconds.default(10),
  loadedMinKg: z.number().positive().default(2000),
  loadMinKg: z.number().positive().default(2000),
  siteMarginM: seconds.default(30),
  spillMinKg: z.number().positive().default(1000),
  overloadS: seconds.default(60),
  uncoveredS: seconds.default(60),
  outsideHoursS: seconds.default(60),
  movingKmh: z.number().positive().default(10),
  timeZone: z.string().default("Asia/Shanghai"),
});

export const ScenarioSchema = z.strictObject({
  description: z.string().min(1),
  /** GPS time of the first epoch (ISO 8601, UTC). */
  start: z.iso.datetime({ offset: true }),
  /** Seeds every noise source; the command's --seed overrides it. */
  seed: z.int().default(1),
  /** Where [x, y] metres are counted from; default the built-in map's origin in Shanghai. */
  origin: LatLon.optional(),
  /** Named places of this file, beside the built-in map's. */
  places: z.record(z.string(), PlaceSchema).default({}),
  /** Zones of the world: ids on the built-in map. */
  zones: z.array(z.string()).default([]),
  /** Or a zone file (the agent's GeoJSON format), relative to the scenario file. */
  zonesFile: z.string().optional(),
  /** Changed properties of built-in zones, by id. */
  zoneOverrides: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  truck: Truck.prefault({}),
  /** A load-cell indicator (ascii frames); without it there is no scale. */
  scale: z
    .strictObject({
      startKg: kg,
      framesPerS: z.int().positive().max(20).optional(),
      noiseKg: z.number().min(0).optional(),
      /** Frames end with CR alone, as some indicators send them. */
      crOnly: z.boolean().optional(),
    })
    .optional(),
  /** Switches fitted and their state at the start; without it there are no inputs. */
  inputs: Inputs.optional(),
  /** A receiver that missed the GPS week rollover: dates 1024 weeks early. */
  receiver: z.strictObject({ weekRollover: z.boolean().default(false) }).prefault({}),
  rules: Rules.prefault({}),
  /** What the agent runs with: config fragment (checked by the agent's schema) and its zones. */
  agent: z
    .strictObject({
      config: z.record(z.string(), z.unknown()).default({}),
      /** Built-in zone ids the agent is given; default: the world's. */
      zones: z.array(z.string()).optional(),
    })
    .prefault({}),
  /** Verdict settings: how late an event may come and still count as caught. */
  verdict: z.strictObject({ maxLateS: z.number().positive().default(180) }).prefault({}),
  steps: z.array(StepSchema).min(1),
  /** Exact events and trips the replay test expects (the detection tests' strict check). */
  expect: z
    .strictObject({
      events: z.array(z.record(z.string(), z.unknown())),
      trips: z.array(z.record(z.string(), z.unknown())).optional(),
    })
    .optional(),
});

export type Scenario = z.output<typeof ScenarioSchema>;
export type Step = z.output<typeof StepSchema>;
export type StayStep = z.output<typeof StayStep>;
export type DriveStep = z.output<typeof DriveStep>;
export type Place = z.output<typeof PlaceSchema>;
export type Rules = z.output<typeof Rules>;
export type InputName = z.output<typeof InputName>;
export type DeviceName = z.output<typeof Device>;
