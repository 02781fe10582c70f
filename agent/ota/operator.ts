/**
 * The fleet operator's side of over the air: build a bundle from a settings file and a zone
 * file, sign it, and push it retained to a truck's or the fleet's config topic, then collect the
 * trucks' acks. The same checks as on the truck run here first, so a bundle that a truck would
 * reject is caught before it leaves the office.
 */
import { readFile } from "node:fs/promises";
import type { ConfigIssue } from "../errors.js";
import { toConfigIssues } from "../../config/issues.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { checkZoneFile, DEFAULT_TIME_ZONE } from "../../config/zones/check.js";
import { isKnownTimeZone } from "../../config/zones/local-time.js";
import { BUNDLE_FORMAT, BundleSchema, REMOTE_SECTIONS, type Bundle } from "./bundle.js";

export interface BuildOptions {
  version: number;
  target: string;
  /** A settings file: the remote sections, or a whole agent config (local-only keys are left out). */
  settingsFile?: string;
  zonesFile?: string;
  issuedAt?: Date;
}

export interface Built {
  bundle?: Bundle;
  issues: ConfigIssue[];
  /** What `zones check` warns about in the zone file: sent anyway. */
  warnings: ConfigIssue[];
  /** Keys of the settings file that are not sent (they stay local on each truck). */
  leftOut: string[];
}

export async function buildBundle(options: BuildOptions): Promise<Built> {
  const settingsRead =
    options.settingsFile === undefined
      ? { settings: undefined, leftOut: [] }
      : await readSettings(options.settingsFile);
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  if (settingsRead.settings !== undefined)
    issues.push(...settingsIssues(settingsRead.settings, options.settingsFile!));

  let zones: Record<string, unknown> | undefined;
  if (options.zonesFile !== undefined) {
    const timeZone =
      (settingsRead.settings?.zones as { timeZone?: string } | undefined)?.timeZone ?? DEFAULT_TIME_ZONE;
    const zoneIssues = await zoneFileIssues(options.zonesFile, timeZone);
    issues.push(...zoneIssues.errors);
    warnings.push(...zoneIssues.warnings);
    if (zoneIssues.errors.length === 0)
      zones = JSON.parse((await readFile(options.zonesFile, "utf8")).replace(/^\uFEFF/, "")) as Record<
        string,
        unknown
      >;
  }

  const candidate = {
    format: BUNDLE_FORMAT,
    version: options.version,
    issuedAt: (options.issuedAt ?? new Date()).toISOString(),
    target: options.target,
    ...(settingsRead.settings === undefined ? {} : { settings: settingsRead.settings }),
    ...(zones === undefined ? {} : { zones }),
  };
  const parsed = BundleSchema.safeParse(candidate);
  if (!parsed.success)
    issues.push(
      ...toConfigIssues(parsed.error.issues, {
        file: "bundle",
        schema: BundleSchema,
        data: candidate,
        positions: new Map(),
      }),
    );
  const leftOut = settingsRead.leftOut;
  return issues.length === 0 && parsed.success
    ? { bundle: parsed.data, issues, warnings, leftOut }
    : { issues, warnings, leftOut };
}

async function readSettings(
  file: string,
): Promise<{ settings: Record<string, unknown>; leftOut: string[] }> {
  const data = JSON.parse((await readFile(file, "utf8")).replace(/^\uFEFF/, "")) as Record<
    string,
    unknown
  >;
  const remote: readonly string[] = REMOTE_SECTIONS;
  const settings: Record<string, unknown> = {};
  const leftOut: string[] = [];

  for (const [key, value] of Object.entries(data)) {
    if (remote.includes(key)) settings[key] = value;
    else leftOut.push(key);
  }
  // The zone file travels in the bundle itself; a truck's zones.file is its own local path.
  const zones = settings.zones as Record<string, unknown> | undefined;
  if (zones !== undefined && "file" in zones) {
    const { file: _file, ...rest } = zones;
    if (Object.keys(rest).length === 0) delete settings.zones;
    else settings.zones = rest;
    leftOut.push("zones.file");
  }
  return { settings, leftOut };
}

/** The settings must make a valid config on their own (over the defaults): a truck checks again. */
function settingsIssues(settings: Record<string, unknown>, file: string): ConfigIssue[] {
  const data = { truckId: "bundle-check", ...settings };
  const result = AgentConfigSchema.safeParse(data);
  return result.success
    ? []
    : toConfigIssues(result.error.issues, {
        file,
        schema: AgentConfigSchema,
        data,
        positions: new Map(),
      });
}

/** The zone file's errors (they stop the bundle) and warnings (printed), by `zones check`'s rules. */
async function zoneFileIssues(
  file: string,
  timeZone: string,
): Promise<{ errors: ConfigIssue[]; warnings: ConfigIssue[] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return {
      errors: [
        {
          file,
          path: "",
          expected: "a readable GeoJSON zone file",
          found: code,
          message: "zone file not readable",
        },
      ],
      warnings: [],
    };
  }
  const { errors, warnings } = checkZoneFile(text, {
    source: file,
    timeZone: isKnownTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE,
  });
  return { errors, warnings };
}
