/**
 * One invalid zone file per check: the clean all-kinds file with exactly one defect, and what
 * `zones check` must say about it (rule, severity, feature). Written to invalid/ by generate.ts;
 * test/zones-tools/check.test.ts runs every case.
 */
import { allKinds } from "./all-kinds.js";
import { at, PLACES, rectangle } from "./layout.js";

export interface InvalidCase {
  /** File name in invalid/, without .geojson. */
  name: string;
  rule: string;
  severity: "error" | "warning";
  /** The feature the problem is reported on, as `zones check` names it. */
  feature: string;
  /** The file's text; most cases edit the clean file, not_json is text. */
  content: string;
  timeZone?: string;
}

type Collection = ReturnType<typeof allKinds>;
type Edit = (file: Collection) => void;

const byId = (file: Collection, id: string) =>
  file.features.find((feature) => feature.properties.id === id)!;

function edited(edit: Edit): string {
  const file = allKinds();
  edit(file);
  return `${JSON.stringify(file, null, 2)}\n`;
}

function only(file: Collection, ...ids: string[]): void {
  file.features = file.features.filter((feature) => ids.includes(feature.properties.id as string));
}

const cases: Array<Omit<InvalidCase, "content"> & { edit: Edit | string }> = [
  {
    name: "not-json",
    rule: "not_json",
    severity: "error",
    feature: "",
    edit: '{ "type": "FeatureCollection", "features": [ ], }\n',
  },
  {
    name: "misspelt-property",
    rule: "property",
    severity: "error",
    feature: '"village"',
    edit: (file) => {
      const village = byId(file, "village").properties;
      village.speedLimtKmh = village.speedLimitKmh;
      delete village.speedLimitKmh;
    },
  },
  {
    name: "unknown-kind",
    rule: "unknown_kind",
    severity: "error",
    feature: '"village"',
    edit: (file) => void (byId(file, "village").properties.kind = "parking"),
  },
  {
    name: "self-intersection",
    rule: "geometry",
    severity: "error",
    feature: '"village"',
    edit: (file) => {
      // A bow tie: the second and third corners swapped.
      const ring = rectangle(PLACES.village, 600, 500);
      [ring[1], ring[2]] = [ring[2]!, ring[1]!];
      byId(file, "village").geometry.coordinates = [ring];
    },
  },
  {
    name: "unclosed-ring",
    rule: "geometry",
    severity: "error",
    feature: '"village"',
    edit: (file) => {
      byId(file, "village").geometry.coordinates = [
        rectangle(PLACES.village, 600, 500)
          .slice(0, 4)
          .concat([at([520, 460])]),
      ];
    },
  },
  {
    name: "too-few-points",
    rule: "geometry",
    severity: "error",
    feature: '"night-link"',
    edit: (file) => void (byId(file, "night-link").geometry.coordinates = [at(PLACES.junction)]),
  },
  {
    name: "out-of-range",
    rule: "geometry",
    severity: "error",
    feature: '"school-gate"',
    edit: (file) => void (byId(file, "school-gate").geometry.coordinates = [121.41, 95.2]),
  },
  {
    name: "swapped-coordinates",
    rule: "geometry",
    severity: "error",
    feature: '"school-gate"',
    edit: (file) =>
      void (byId(file, "school-gate").geometry.coordinates = at(PLACES.school).reverse()),
  },
  {
    name: "circle-without-radius",
    rule: "circle_radius",
    severity: "error",
    feature: '"school-gate"',
    edit: (file) => void delete byId(file, "school-gate").properties.radiusM,
  },
  {
    name: "corridor-without-width",
    rule: "corridor_width",
    severity: "error",
    feature: '"night-link"',
    edit: (file) => void delete byId(file, "night-link").properties.widthM,
  },
  {
    name: "corridor-too-narrow",
    rule: "narrow_corridor",
    severity: "error",
    feature: '"night-link"',
    edit: (file) => void (byId(file, "night-link").properties.widthM = 6),
  },
  {
    name: "corridor-narrow-in-town",
    rule: "narrow_corridor",
    severity: "warning",
    feature: '"haul-road"',
    edit: (file) => void (byId(file, "haul-road").properties.segmentWidthsM = [40, 30, 20, 40, 40]),
  },
  {
    name: "duplicate-id",
    rule: "duplicate_id",
    severity: "error",
    feature: '"village"',
    edit: (file) => void (byId(file, "school-gate").properties.id = "village"),
  },
  {
    name: "not-wgs84",
    rule: "crs",
    severity: "error",
    feature: "",
    edit: (file) => {
      (file as Record<string, unknown>).crs = {
        type: "name",
        properties: { name: "urn:ogc:def:crs:EPSG::3857" },
      };
    },
  },
  {
    name: "overlapping-disposal-sites",
    rule: "overlapping_disposal",
    severity: "warning",
    feature: '"transfer-south"',
    edit: (file) => {
      // The transfer station moved onto the quarry's edge.
      byId(file, "transfer-south").geometry.coordinates = at([3150, 0]);
      byId(file, "night-link").geometry.coordinates = [at(PLACES.junction), at([3150, 0])];
    },
  },
  {
    name: "route-unconnected",
    rule: "route_unconnected",
    severity: "warning",
    feature: '"night-link"',
    edit: (file) => {
      // Drawn 300 m off the haul road and stopping 400 m short of the transfer station.
      byId(file, "night-link").geometry.coordinates = [
        at([1500, 200]),
        at([900, -500]),
        at([650, -1100]),
      ];
    },
  },
  {
    name: "route-without-disposal-site",
    rule: "route_unconnected",
    severity: "warning",
    feature: '"haul-road"',
    edit: (file) => only(file, "pit-7", "haul-road"),
  },
  {
    name: "window-reversed-dates",
    rule: "window_never_opens",
    severity: "error",
    feature: '"transfer-south"',
    edit: (file) => void (byId(file, "transfer-south").properties.validTo = "2025-12-31"),
  },
  {
    name: "window-ended",
    rule: "window_never_opens",
    severity: "warning",
    feature: '"transfer-south"',
    edit: (file) => {
      byId(file, "transfer-south").properties.validFrom = "2025-06-01";
      byId(file, "transfer-south").properties.validTo = "2025-12-31";
    },
  },
  {
    name: "window-in-dst-gap",
    rule: "window_never_opens",
    severity: "error",
    feature: '"school-gate"',
    timeZone: "Europe/Berlin",
    edit: (file) => {
      // Clocks in Berlin jump from 02:00 to 03:00 on 2027-03-28: these hours never happen.
      Object.assign(byId(file, "school-gate").properties, {
        validFrom: "2027-03-28",
        validTo: "2027-03-28",
        activeHours: [{ from: "02:00", to: "02:45" }],
      });
    },
  },
  {
    name: "night-limit-unused",
    rule: "night_limit_unused",
    severity: "warning",
    feature: '"village"',
    edit: (file) =>
      void ((byId(file, "village").properties.night as { limitKmh: number }).limitKmh = 35),
  },
];

export function invalidCases(): InvalidCase[] {
  return cases.map(({ edit, ...rest }) => ({
    ...rest,
    content: typeof edit === "string" ? edit : edited(edit),
  }));
}
