/**
 * The `detect` section: every threshold of the on-board violation detectors (agent/detect/).
 * Each option says what it does here; the README's "Detection" section says why its default is
 * what it is. Kept apart from schema.ts so the section reads as one piece.
 */
import { z } from "zod";
import { notAbove, once, option, optional } from "./option.js";

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const seconds = z.number().min(0).max(86_400);
const positiveSeconds = z.number().positive().max(86_400);
const metres = z.number().min(0).max(100_000);
const kmh = z.number().min(0).max(300);
const kg = z.number().min(0).max(200_000);

/** A local-time interval of the day; `to` before `from` wraps past midnight. */
export const DailyHoursSchema = z
  .object({
    from: z.string().regex(HH_MM, "expected HH:MM"),
    to: z.string().regex(HH_MM, "expected HH:MM"),
  })
  .strict();

const MotionSchema = z
  .object({
    windowS: option(
      positiveSeconds,
      10,
      "s",
      "Speeds over this window decide whether the truck is stopped, slow or moving.",
    ),
    stoppedSpeedKmh: option(
      kmh,
      5,
      "km/h",
      "Stopped when no speed in the window exceeds this (or the ignition is off).",
    ),
    slowSpeedKmh: option(
      kmh,
      10,
      "km/h",
      "Moving when the mean speed of the window exceeds this; slow in between.",
    ),
  })
  .strict()
  .superRefine(notAbove("stoppedSpeedKmh", "slowSpeedKmh"), once("stoppedSpeedKmh", "slowSpeedKmh"));

const GnssSchema = z
  .object({
    silentS: option(
      positiveSeconds,
      30,
      "s",
      "A receiver that sends nothing for this long raises gnss_fault.",
    ),
    trackGapS: option(
      positiveSeconds,
      30,
      "s",
      "A fix lost at least this long while moving raises track_gap.",
    ),
    trackGapDistanceM: option(
      metres,
      200,
      "m",
      "A fix lost while stopped still raises track_gap when the truck reappears at least this far away.",
    ),
  })
  .strict();

const SpeedSchema = z
  .object({
    defaultLimitKmh: option(
      kmh,
      60,
      "km/h",
      "Speed limit where no speed zone or route segment sets a lower one.",
    ),
    toleranceKmh: option(kmh, 5, "km/h", "An overspeed episode starts above the limit plus this."),
    hysteresisKmh: option(kmh, 5, "km/h", "An episode ends only at or below the limit minus this."),
    minDurationS: option(
      seconds,
      5,
      "s",
      "Speed must stay above limit plus tolerance this long to start an episode; 0: one fix does.",
    ),
    clearDurationS: option(
      seconds,
      10,
      "s",
      "Speed must stay at or below limit minus hysteresis this long to end an episode.",
    ),
    preWarningKmh: optional(
      kmh,
      "Pre-warning margin: an overspeed_warning when speed stays above the limit minus this for minDurationS; unset: none.",
      "km/h",
    ),
    maxFixGapS: option(
      positiveSeconds,
      5,
      "s",
      "Fixes further apart than this are not continuous evidence: a start or end run restarts after such a gap.",
    ),
  })
  .strict();

const ZonesSchema = z
  .object({
    dwellS: option(
      seconds,
      10,
      "s",
      "A zone is entered (or left) after the truck has been inside (or outside) it this long.",
    ),
    hysteresisM: option(
      metres,
      20,
      "m",
      "Leaving a zone means being this far beyond its edge, so drift at a boundary does not flap.",
    ),
    stepM: option(
      z.number().min(1).max(1000),
      10,
      "m",
      "Between fixes further apart than this, points are interpolated every stepM so a small site between sparse fixes is seen.",
    ),
  })
  .strict();

const RouteSchema = z
  .object({
    routeIds: option(
      z.array(z.string().min(1)),
      [],
      "",
      "Route zones assigned to the truck; empty: any route of the fleet. Routes with activeHours apply only in their hours.",
    ),
    deviationS: option(
      seconds,
      30,
      "s",
      "Outside every permitted corridor and site this long (and deviationM) raises route_deviation.",
    ),
    deviationM: option(
      metres,
      200,
      "m",
      "Driven at least this far outside every permitted corridor and site (and deviationS) raises route_deviation.",
    ),
  })
  .strict();

const VehicleSchema = z
  .object({
    plate: optional(z.string().min(1), "Number plate, carried in trip records."),
    permitId: optional(
      z.string().min(1),
      "Transport permit id, carried in trip records and outside_hours events.",
    ),
    permitHours: option(
      z.array(DailyHoursSchema),
      [],
      "",
      'Local hours the permit allows loaded driving, e.g. [{"from":"22:00","to":"06:00"}]; empty: no restriction.',
    ),
    outsideHoursS: option(
      seconds,
      60,
      "s",
      "Moving loaded outside every permit window this long raises outside_hours.",
    ),
  })
  .strict();

const LoadSchema = z
  .object({
    emptyKg: option(
      kg,
      0,
      "kg",
      "What the scale reads with the body empty: 0 for net weights, the tare for gross.",
    ),
    loadedMinKg: option(kg, 2000, "kg", "The truck counts as loaded at this much above emptyKg."),
    loadMinKg: option(
      kg,
      2000,
      "kg",
      "A settled net increase of at least this while stopped or slow is a load.",
    ),
    unloadMinKg: option(
      kg,
      2000,
      "kg",
      "A settled net decrease of at least this while stopped or slow is an unload.",
    ),
    filterWindowS: option(
      positiveSeconds,
      5,
      "s",
      "Weights are the median of this window (stable samples preferred), against vibration.",
    ),
    settleS: option(
      positiveSeconds,
      60,
      "s",
      "A load or unload is judged once the weight has held within settleKg this long (or the truck drives off).",
    ),
    settleKg: option(kg, 100, "kg", "How much a settled weight may wander."),
    changeWindowS: option(
      positiveSeconds,
      900,
      "s",
      "A load or unload must happen within this; a slower change is drift (temperature) and moves the reference silently.",
    ),
    siteMarginM: option(
      metres,
      30,
      "m",
      "GPS error margin: an unload or load this close to a site counts as in it.",
    ),
    spillMinKg: option(kg, 1000, "kg", "A loss of at least this while moving raises spill."),
    spillHoldS: option(
      positiveSeconds,
      60,
      "s",
      "A spill is judged on the interquartile mean of this window, so only a sustained loss counts.",
    ),
    spillWindowS: option(positiveSeconds, 180, "s", "The spill loss must happen within this."),
    maxWeightKg: optional(
      kg,
      "Rated limit of what the scale reads (gross weight, or payload for net); unset: no overload check.",
      "kg",
    ),
    overloadS: option(seconds, 60, "s", "Weight above maxWeightKg this long raises overload."),
    uncoveredS: option(
      seconds,
      60,
      "s",
      "Load cover open while loaded and moving this long raises uncovered_transport.",
    ),
    scaleErrorS: option(seconds, 60, "s", "The scale reporting an error this long raises sensor_fault."),
  })
  .strict()
  .superRefine(notAbove("settleS", "changeWindowS"), once("settleS", "changeWindowS"))
  .superRefine(notAbove("spillHoldS", "spillWindowS"), once("spillHoldS", "spillWindowS"));

export const DetectSchema = z
  .object({
    contextS: option(
      seconds.max(600),
      20,
      "s",
      "Every violation carries the full-rate fixes, weights and inputs of this many seconds before it.",
    ),
    motion: MotionSchema.prefault({}),
    gnss: GnssSchema.prefault({}),
    speed: SpeedSchema.prefault({}),
    zones: ZonesSchema.prefault({}),
    route: RouteSchema.prefault({}),
    vehicle: VehicleSchema.prefault({}),
    load: LoadSchema.prefault({}),
  })
  .strict();

export type DetectConfig = z.output<typeof DetectSchema>;
export type DailyHoursConfig = z.output<typeof DailyHoursSchema>;
