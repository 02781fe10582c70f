/**
 * Turning problems found in a zone file into issues a person can act on: the line (of the field,
 * or of its nearest ancestor present in the file), the feature by its id, and file order.
 */
import type { ConfigIssue } from "../../agent/errors.js";
import { formatPath, type JsonPosition, type PathSegment } from "../json-positions.js";
import type { ZoneIssue, ZoneRule } from "./zone-error.js";

/** A problem found by the geometry or shape checks, located by its path in the document. */
export interface RawIssue {
  /** Which check found it (ZONE_RULES); schema issues get theirs from the field. */
  rule?: ZoneRule;
  path: PathSegment[];
  message: string;
  expected: string;
  found: string;
}

const FEATURE_PATH = /^features\[(\d+)\]/;

export function describeIssues(
  file: string,
  data: unknown,
  positions: Map<string, JsonPosition>,
  issues: Array<ConfigIssue | (RawIssue & { file: string })>,
): ZoneIssue[] {
  const described = issues.map((issue) => {
    const located = isLocated(issue) ? issue : locate(issue, positions);
    const message = located.message.replace(/^(unknown|required) option/, "$1 property");
    const rule = ("rule" in issue && issue.rule) || schemaRule(located);
    return { ...located, message, file, feature: featureLabel(data, located.path), rule };
  });

  // Unlocated issues last; the sort is stable, so issues on one line keep their order.
  return described.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

function isLocated(issue: ConfigIssue | RawIssue): issue is ConfigIssue {
  return typeof issue.path === "string";
}

function locate(
  issue: RawIssue & { file: string },
  positions: Map<string, JsonPosition>,
): ConfigIssue {
  let line: number | undefined;
  for (let length = issue.path.length; length >= 0 && line === undefined; length--) {
    line = positions.get(formatPath(issue.path.slice(0, length)))?.line;
  }
  return { ...issue, path: formatPath(issue.path), line };
}

/** `"depot-3"` by the feature's id (its properties', else the GeoJSON one), else `features[7]`. */
function featureLabel(data: unknown, path: string): string {
  const match = FEATURE_PATH.exec(path);
  if (match === null) return "";

  const feature = (data as { features: Array<{ id?: unknown; properties?: { id?: unknown } }> })
    .features[Number(match[1])];
  const id = feature?.properties?.id ?? feature?.id;
  if ((typeof id === "string" && id !== "") || typeof id === "number") return JSON.stringify(id);
  return match[0];
}

/** The rule a schema issue breaks, from the field it is about. */
function schemaRule(issue: ConfigIssue): ZoneRule {
  if (/\.properties\.kind$/.test(issue.path)) return "unknown_kind";
  if (/\.properties\.validTo$/.test(issue.path) && issue.message.includes("never")) {
    return "window_never_opens";
  }
  if (/\.properties\.(widthM|segmentWidthsM)/.test(issue.path)) return "corridor_width";
  return "property";
}
