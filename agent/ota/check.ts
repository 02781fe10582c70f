/**
 * Checking a bundle completely before anything of it is used: JSON, layout, target, signature,
 * which settings it touches, and its zone file through the zone loader. Every problem is
 * collected (as a config issue: path in the bundle, line, expected, found), so one ack tells the
 * operator everything to fix. Whether the settings make a valid config together with the other
 * layers is the composition's check (layers.ts).
 */
import type { KeyObject } from "node:crypto";
import { formatConfigIssue, type ConfigIssue } from "../errors.js";
import { logger } from "../log.js";
import { toConfigIssues } from "../../config/issues.js";
import { indexJsonPositions, JsonSyntaxError, type JsonPosition } from "../../config/json-positions.js";
import { checkZoneFile } from "../../config/zones/check.js";
import { isKnownTimeZone } from "../../config/zones/local-time.js";
import type { ZoneIssue } from "../../config/zones/zone-error.js";
import type { Zone } from "../../config/zones/zone.js";
import {
  BundleSchema,
  REMOTE_SECTIONS,
  REMOTE_ZONES_KEYS,
  targetOf,
  type Bundle,
  type Channel,
} from "./bundle.js";
import { signatureProblem } from "./signature.js";

export interface CheckContext {
  channel: Channel;
  truckId: string;
  /** The fleet key; null: unsigned bundles are accepted. */
  publicKey: KeyObject | null;
  /** IANA time zone the zone file is written in. */
  timeZone: string;
  /** How issues name the bundle: the topic, or a file name. */
  source: string;
}

const log = logger("config");

export type BundleCheck =
  | { bundle: Bundle; zones: Zone[] | null; issues: [] }
  | { bundle?: Bundle; zones?: never; issues: ConfigIssue[] };

export async function checkBundle(text: string, context: CheckContext): Promise<BundleCheck> {
  const file = context.source;
  let positions: Map<string, JsonPosition>;
  try {
    positions = indexJsonPositions(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const message = `not valid JSON: ${error.reason} (line ${error.line}, column ${error.column})`;
    return {
      issues: [
        { file, path: "", expected: "a JSON bundle", found: error.near, message, line: error.line },
      ],
    };
  }

  const data: unknown = JSON.parse(text);
  const parsed = BundleSchema.safeParse(data);
  if (!parsed.success)
    return {
      issues: toConfigIssues(parsed.error.issues, { file, schema: BundleSchema, data, positions }),
    };

  const bundle = parsed.data;
  const issue = (path: string, message: string, expected: string, found: string): ConfigIssue => ({
    file,
    path,
    message,
    expected,
    found,
    ...lineOf(positions, path),
  });
  const issues = [...envelopeIssues(bundle, context, issue), ...settingsIssues(bundle, issue)];

  let zones: Zone[] | null = null;
  if (bundle.zones !== undefined) {
    const checked = checkZones(bundle, context, positions);
    if (Array.isArray(checked)) zones = checked;
    else issues.push(...checked.issues);
  }
  return issues.length === 0 ? { bundle, zones, issues: [] } : { bundle, issues };
}

type MakeIssue = (path: string, message: string, expected: string, found: string) => ConfigIssue;

function envelopeIssues(bundle: Bundle, context: CheckContext, issue: MakeIssue): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const target = targetOf(context.channel, context.truckId);
  if (bundle.target !== target) {
    issues.push(
      issue(
        "target",
        `this bundle is for ${bundle.target}, not for the ${context.channel} topic of this truck`,
        JSON.stringify(target),
        JSON.stringify(bundle.target),
      ),
    );
  }
  if (context.publicKey !== null) {
    const problem = signatureProblem(bundle, context.publicKey);
    if (problem !== null)
      issues.push(
        issue(
          "signature",
          problem,
          "a valid Ed25519 signature by the fleet key",
          bundle.signature === undefined ? "none" : bundle.signature.keyId,
        ),
      );
  }
  return issues;
}

/** Settings outside the remote sections are refused by name: they belong in the local file. */
function settingsIssues(bundle: Bundle, issue: MakeIssue): ConfigIssue[] {
  const settings = bundle.settings ?? {};
  const remote: readonly string[] = REMOTE_SECTIONS;
  const issues = Object.keys(settings)
    .filter((key) => !remote.includes(key))
    .map((key) =>
      issue(
        `settings.${key}`,
        `${key} may not change over the air; set it in the truck's local config file`,
        `one of ${REMOTE_SECTIONS.join(", ")}`,
        JSON.stringify(key),
      ),
    );

  const zones = settings.zones;
  if (typeof zones === "object" && zones !== null && !Array.isArray(zones)) {
    const allowed: readonly string[] = REMOTE_ZONES_KEYS;
    for (const key of Object.keys(zones).filter((k) => !allowed.includes(k))) {
      const why =
        key === "file"
          ? "a bundle carries its zones in its own zones member"
          : "it may not change over the air";
      issues.push(
        issue(
          `settings.zones.${key}`,
          `zones.${key}: ${why}`,
          REMOTE_ZONES_KEYS.join(", "),
          JSON.stringify(key),
        ),
      );
    }
  }
  return issues;
}

/**
 * The bundle's zone file gets the operator's full check (config/zones/check.ts: the loader's
 * rules and what cannot work, such as a corridor narrower than GNSS error); its issues are
 * pointed back at the bundle (`zones.features[3]…`, the bundle's line). Warnings are logged.
 */
function checkZones(
  bundle: Bundle,
  context: CheckContext,
  positions: Map<string, JsonPosition>,
): Zone[] | { issues: ConfigIssue[] } {
  const result = checkZoneFile(bundle.zones!, {
    source: context.source,
    timeZone: zoneTimeZone(bundle, context),
  });
  const inBundle = (issue: ZoneIssue): ConfigIssue => {
    const { feature, ...rest } = issue as ZoneIssue & { rule?: string };
    const path = rest.path === "" ? "zones" : `zones.${rest.path}`;
    const message =
      feature === "" || feature.startsWith("features[")
        ? rest.message
        : `feature ${feature}: ${rest.message}`;
    return {
      file: context.source,
      path,
      message,
      expected: rest.expected,
      found: rest.found,
      ...lineOf(positions, path),
    };
  };
  if (result.warnings.length > 0)
    log.warn(
      { source: context.source, warnings: result.warnings.map(inBundle).map(formatConfigIssue) },
      "zone file in the bundle has warnings",
    );
  return result.errors.length === 0 ? result.zones : { issues: result.errors.map(inBundle) };
}

/** The zone file is written in the bundle's own zones.timeZone when it sets a usable one. */
function zoneTimeZone(bundle: Bundle, context: CheckContext): string {
  const own = (bundle.settings?.zones as { timeZone?: unknown } | undefined)?.timeZone;
  return typeof own === "string" && isKnownTimeZone(own) ? own : context.timeZone;
}

/** The line of a path, or of its nearest ancestor present in the bundle. */
function lineOf(positions: Map<string, JsonPosition>, path: string): { line?: number } {
  for (let at = path; at !== ""; at = parentOf(at)) {
    const found = positions.get(at);
    if (found !== undefined) return { line: found.line };
  }
  return {};
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut <= 0 ? "" : path.slice(0, cut);
}
