/**
 * `checkZoneFile`: everything wrong with a zone file, errors and warnings apart, for the
 * operator's `zones check` and for over-the-air bundles. Errors are what the agent's loader
 * rejects plus what cannot work (a corridor narrower than GNSS error, a window that never opens);
 * warnings are what the agent accepts but its author probably did not mean (overlapping disposal
 * sites, a route that joins no loading site to a disposal site, an expired zone).
 *
 * The loader's rules run on the whole file; the operator's rules run on the features the loader
 * accepted, so one run reports every problem of every feature.
 */
import { MuckError } from "../../agent/errors.js";
import type { Finding, PlacedZone } from "./check-finding.js";
import { overlappingDisposalSites } from "./check-sites.js";
import { unconnectedRoutes } from "./check-routes.js";
import { narrowCorridors } from "./check-widths.js";
import { closedWindows } from "./check-windows.js";
import { isKnownTimeZone } from "./local-time.js";
import { parseZoneText, toZone, type ParsedZoneText, type RawFeature } from "./load.js";
import type { Zone } from "./zone.js";
import type { ZoneIssue } from "./zone-error.js";
import { describeIssues } from "./zone-issues.js";

export interface ZoneCheckOptions {
  /** Names the file (or bundle) in every issue. */
  source: string;
  /** IANA time zone of the file's hours and dates (the config's zones.timeZone). */
  timeZone?: string;
  /** "Now" for expired windows, epoch ms; default the clock. */
  nowMs?: number;
}

export interface ZoneCheckResult {
  errors: ZoneIssue[];
  warnings: ZoneIssue[];
  /** The zones the loader accepted, in file order (all of them when there is no error). */
  zones: Zone[];
}

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/**
 * Check a zone file given as its text (issues then carry line numbers) or as parsed JSON (a
 * bundle's member; no lines). Never throws for bad content: text that is not JSON is one error.
 */
export function checkZoneFile(input: string | object, options: ZoneCheckOptions): ZoneCheckResult {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isKnownTimeZone(timeZone)) {
    throw new TypeError(`zones check: timeZone must be an IANA time zone, found "${timeZone}"`);
  }

  const parsed = parse(input, options.source);
  if (parsed instanceof MuckError) return notJson(parsed, options.source);

  const placed = acceptedZones(parsed);
  const findings: Finding[] = [
    ...narrowCorridors(placed),
    ...overlappingDisposalSites(placed),
    ...unconnectedRoutes(placed),
    ...closedWindows(placed, { timeZone, nowMs: options.nowMs ?? Date.now() }),
  ];

  const located = (severity: Finding["severity"]) =>
    describeIssues(
      options.source,
      parsed.data,
      parsed.positions,
      findings
        .filter((found) => found.severity === severity)
        .map((found) => ({
          rule: found.rule,
          path: found.path,
          message: found.message,
          expected: found.expected,
          found: found.found,
          file: options.source,
        })),
    );
  return {
    errors: byLine([...parsed.issues, ...located("error")]),
    warnings: located("warning"),
    zones: placed.map(({ zone }) => zone),
  };
}

function parse(input: string | object, source: string): ParsedZoneText | MuckError {
  try {
    if (typeof input === "string") return parseZoneText(source, input);
    // A bundle's zones are already parsed: check them as text but without line numbers.
    const parsed = parseZoneText(source, JSON.stringify(input));
    parsed.positions.clear();
    const withoutLines = parsed.issues.map(({ line: _line, ...issue }) => issue);
    return { ...parsed, issues: withoutLines };
  } catch (error) {
    if (error instanceof MuckError && error.code === "ZONES_NOT_JSON") return error;
    throw error;
  }
}

/** The syntax error as the one issue: `FILE:LINE: not valid JSON: reason (where)`. */
function notJson(error: MuckError, source: string): ZoneCheckResult {
  const line = Number(/^.*?:(\d+): /.exec(error.message)?.[1]);
  const message = error.message.replace(/^.*?:\d+: /, "");
  const issue: ZoneIssue = {
    file: source,
    path: "",
    message,
    expected: "a GeoJSON FeatureCollection",
    found: "text that is not JSON",
    feature: "",
    rule: "not_json",
    ...(Number.isInteger(line) ? { line } : {}),
  };
  return { errors: [issue], warnings: [], zones: [] };
}

/** Features none of whose issues point into them, as zones with their index. */
function acceptedZones(parsed: ParsedZoneText): PlacedZone[] {
  const features = (parsed.data as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return [];
  // A problem with the whole file (not an object, another datum): nothing in it is usable.
  if (parsed.issues.some((issue) => issue.path === "" || issue.path === "crs")) return [];

  const rejected = new Set(
    parsed.issues.map((issue) => /^features\[(\d+)\]/.exec(issue.path)?.[1]).map(Number),
  );
  return features.flatMap((feature: RawFeature, index) =>
    rejected.has(index) ? [] : [{ zone: toZone(feature), index }],
  );
}

function byLine(issues: ZoneIssue[]): ZoneIssue[] {
  return [...issues].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}
