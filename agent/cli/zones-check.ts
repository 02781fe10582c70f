/**
 * `muck-agent zones check FILE`: every problem of a zone file, errors and warnings apart.
 *
 * Exit codes (README, "zones check"): 0 no problem, 1 at least one error, 3 warnings only;
 * 2 when the file cannot be read (ZONES_NOT_FOUND, from main).
 */
import { readFile } from "node:fs/promises";
import { MuckError } from "../errors.js";
import { checkZoneFile, type ZoneCheckResult } from "../../config/zones/check.js";
import { formatZoneIssue, type ZoneIssue } from "../../config/zones/zone-error.js";

export const CHECK_EXIT = { ok: 0, errors: 1, warningsOnly: 3 } as const;

export interface CheckCommandOptions {
  json: boolean;
  timeZone: string;
  /** `YYYY-MM-DD` or an ISO time: judge expiry as of then instead of now. */
  now?: string;
}

export async function runZonesCheck(file: string, options: CheckCommandOptions): Promise<number> {
  const nowMs = options.now === undefined ? Date.now() : parseNow(options.now);
  const result = checkZoneFile(await readZoneText(file), {
    source: file,
    timeZone: options.timeZone,
    nowMs,
  });

  process.stdout.write(
    options.json ? `${JSON.stringify(asJson(file, result), null, 2)}\n` : asText(file, result),
  );
  return exitCode(result);
}

export async function readZoneText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    const reason =
      code === "ENOENT" ? "zone file not found" : `cannot read the zone file (${code})`;
    throw new MuckError("ZONES_NOT_FOUND", `${file}: ${reason}`, { cause: error });
  }
}

export function exitCode(result: ZoneCheckResult): number {
  if (result.errors.length > 0) return CHECK_EXIT.errors;
  return result.warnings.length > 0 ? CHECK_EXIT.warningsOnly : CHECK_EXIT.ok;
}

/** One line per problem, `error:`/`warning:` first and the rule last, then a count. */
export function asText(file: string, result: ZoneCheckResult): string {
  const line = (severity: string) => (issue: ZoneIssue) =>
    `${severity}: ${formatZoneIssue(issue)} [${issue.rule}]\n`;
  const lines = [...result.errors.map(line("error")), ...result.warnings.map(line("warning"))];

  const counts = `${plural(result.errors.length, "error")}, ${plural(result.warnings.length, "warning")}`;
  const zones = `${plural(result.zones.length, "zone")} usable`;
  return `${lines.join("")}${file}: ${counts} (${zones})\n`;
}

function asJson(file: string, result: ZoneCheckResult) {
  const byKind: Record<string, number> = {};
  for (const zone of result.zones) byKind[zone.kind] = (byKind[zone.kind] ?? 0) + 1;
  return {
    file,
    ok: result.errors.length === 0,
    errors: result.errors,
    warnings: result.warnings,
    zones: { usable: result.zones.length, byKind },
  };
}

function parseNow(text: string): number {
  const atMs = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T12:00:00Z` : text);
  if (Number.isNaN(atMs)) {
    throw new MuckError(
      "USAGE",
      `--now: not a date or time: "${text}" (expected YYYY-MM-DD or ISO 8601)`,
    );
  }
  return atMs;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
