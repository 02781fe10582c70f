/**
 * What is wrong with a zone file, feature by feature: each issue names the file and line, the
 * feature (its id, or its position in `features` when it has none), the field and the reason.
 * The whole file is rejected with every issue at once, so one edit round fixes them all.
 */
import { formatConfigIssue, MuckError, type ConfigIssue } from "../../agent/errors.js";

/**
 * Stable names of the checks a zone file goes through, for tools and tests (README, "zones
 * check"). The loader rejects a file for the first seven; `zones check` adds the others.
 */
export const ZONE_RULES = [
  "not_json",
  "property",
  "unknown_kind",
  "geometry",
  "circle_radius",
  "corridor_width",
  "duplicate_id",
  "crs",
  "narrow_corridor",
  "overlapping_disposal",
  "route_unconnected",
  "window_never_opens",
  "night_limit_unused",
] as const;

export type ZoneRule = (typeof ZONE_RULES)[number];

export interface ZoneIssue extends ConfigIssue {
  /** `"depot-3"` by its id, or `features[7]` when the feature has no usable id; "" for the file. */
  feature: string;
  /** The check that found it. */
  rule: ZoneRule;
}

export class ZonesError extends MuckError {
  readonly issues: ZoneIssue[];

  constructor(file: string, issues: ZoneIssue[]) {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    const head = `${file}: ${count} in the zone file`;
    super("ZONES_INVALID", [head, ...issues.map(formatZoneIssue)].join("\n"));
    this.name = "ZonesError";
    this.issues = issues;
  }
}

/**
 * `zones.geojson:42: feature "depot-3": features[3].properties.radiusM: too small (expected > 0,
 * found -5)`
 */
export function formatZoneIssue(issue: ZoneIssue): string {
  const line = formatConfigIssue(issue);
  if (issue.feature === "") return line;

  // A feature without an id is already named by the path that follows.
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const feature = issue.feature.startsWith("features[")
    ? "feature without an id"
    : `feature ${issue.feature}`;
  return `${where}: ${feature}: ${line.slice(where.length + 2)}`;
}
