/**
 * The zone file's shape: a GeoJSON FeatureCollection (RFC 7946) whose features carry the zone's
 * properties. Properties are strict, so a misspelt `speedLimtKmh` is an error rather than a zone
 * without a limit; operators' own notes go under `properties.meta`, which is free-form.
 *
 * Geometry is checked by geometry-checks.ts (closed rings, ranges, self-intersection), not here:
 * those reasons need positions and wording zod cannot give.
 */
import { z } from "zod";
import { parseClock } from "./local-time.js";
import type { ZoneKind } from "./zone.js";

export const ZONE_KINDS = [
  "loading_site",
  "disposal_site",
  "route",
  "speed_zone",
  "no_go",
] as const satisfies readonly ZoneKind[];

// Keeps ZONE_KINDS complete when the contract gains a kind.
type MissingKind = Exclude<ZoneKind, (typeof ZONE_KINDS)[number]>;
const allKindsListed: MissingKind extends never ? true : never = true;
void allKindsListed;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SPEED_MAX_KMH = 200;

const positive = z.number().positive();
const speedKmh = positive.max(SPEED_MAX_KMH);

const clock = z
  .string()
  .refine((text) => parseClock(text) !== undefined, {
    message: "not a clock time",
    params: { expected: '"HH:MM" from 00:00 to 24:00' },
  })
  // The JSON Schema for editors (npm run docs:schemas) cannot run the refinement: it gets the pattern.
  .meta({ pattern: "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", examples: ["22:00"] });

const DailyHoursSchema = z
  .object({
    from: clock.meta({ description: "Start, local time (zones.timeZone), inclusive." }),
    to: clock.meta({ description: "End, exclusive; before `from` it wraps past midnight." }),
  })
  .strict()
  .refine((hours) => parseClock(hours.from) !== parseClock(hours.to), {
    message: "from and to are the same time; leave the hours out for a zone active all day",
    path: ["to"],
    params: { expected: "a different time than from" },
  });

const isoDate = z
  .string()
  .refine(isCalendarDate, {
    message: "not a calendar date",
    params: { expected: '"YYYY-MM-DD"' },
  })
  .meta({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", examples: ["2026-03-01"] });

// The shape fields, also parsed alone so the shape rules can run while other properties are wrong.
const shapeFields = {
  radiusM: positive.optional().meta({ description: "Circles (Point geometry) only: radius, m." }),
  widthM: positive
    .optional()
    .meta({ description: "Route corridors (LineString) only: full width, m; half each side." }),
  segmentWidthsM: z.array(positive).min(1).optional().meta({
    description: "Corridors only, instead of widthM: one width per segment (i joins positions i, i+1), m.",
  }),
  segmentLimitsKmh: z.array(speedKmh.nullable()).min(1).optional().meta({
    description: "Corridors only: one limit per segment, km/h; null = the zone's speedLimitKmh.",
  }),
};

export const ShapePropertiesSchema = z.object(shapeFields);
export type ShapeProperties = z.output<typeof ShapePropertiesSchema>;

export const ZonePropertiesSchema = z
  .object({
    id: z.string().min(1).meta({ description: "Unique in the file; events name zones by it." }),
    name: z.string().min(1).meta({ description: "Shown to people: events, the preview map." }),
    kind: z.enum(ZONE_KINDS).meta({ description: "What the zone is; decides which detectors use it." }),
    speedLimitKmh: speedKmh
      .optional()
      .meta({ description: "Speed limit inside the zone (on a route: each segment without its own), km/h." }),
    night: z
      .object({ limitKmh: speedKmh, hours: DailyHoursSchema })
      .strict()
      .optional()
      .meta({ description: "A lower limit in these daily hours, e.g. 30 km/h from 22:00 to 06:00." }),
    activeHours: z
      .array(DailyHoursSchema)
      .min(1)
      .optional()
      .meta({ description: "The zone applies only in these daily hours (local time); absent = always." }),
    validFrom: isoDate.optional().meta({ description: "First local date the zone applies, inclusive." }),
    validTo: isoDate.optional().meta({ description: "Last local date the zone applies, inclusive." }),
    ...shapeFields,
    meta: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Your own notes (permit number, contact); the agent ignores them." }),
  })
  .strict()
  .refine((zone) => !(zone.validFrom && zone.validTo && zone.validFrom > zone.validTo), {
    message: "validTo is before validFrom, so the zone would never be valid",
    path: ["validTo"],
    params: { expected: "a date on or after validFrom" },
  });

export type ZoneProperties = z.output<typeof ZonePropertiesSchema>;

/** Checked by geometry-checks.ts; the JSON Schema generator describes it for editors. */
export const ZoneGeometryField = z.unknown();

// RFC 7946 members; geometry is checked separately. `crs` is obsolete but QGIS still writes it.
const FeatureSchema = z
  .object({
    type: z.literal("Feature"),
    id: z.union([z.string(), z.number()]).optional(),
    bbox: z.array(z.number()).optional(),
    properties: ZonePropertiesSchema,
    geometry: ZoneGeometryField,
  })
  .strict();

export const ZoneFileSchema = z.looseObject({
  type: z.literal("FeatureCollection"),
  features: z.array(FeatureSchema),
});

function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;

  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
