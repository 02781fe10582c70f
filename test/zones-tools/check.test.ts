import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkZoneFile } from "../../config/zones/check.js";
import { invalidCases } from "./files/invalid.js";
import { CLI_BUDGET_MS, FILES, muckAgent } from "./cli.js";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const read = (name: string) => readFileSync(join(FILES, name), "utf8");

describe("checkZoneFile", () => {
  it("finds nothing wrong in the file with every kind, and returns its zones", () => {
    const result = checkZoneFile(read("all-kinds.geojson"), {
      source: "all-kinds.geojson",
      nowMs: NOW,
    });

    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.zones.map((zone) => zone.kind).sort()).toEqual([
      "disposal_site",
      "disposal_site",
      "loading_site",
      "no_go",
      "route",
      "route",
      "speed_zone",
    ]);
  });

  describe.each(invalidCases())("invalid/$name.geojson", (invalid) => {
    it(`reports exactly one ${invalid.severity}: ${invalid.rule} on ${invalid.feature || "the file"}`, () => {
      const result = checkZoneFile(read(`invalid/${invalid.name}.geojson`), {
        source: `${invalid.name}.geojson`,
        nowMs: NOW,
        ...(invalid.timeZone === undefined ? {} : { timeZone: invalid.timeZone }),
      });
      const found = invalid.severity === "error" ? result.errors : result.warnings;
      const other = invalid.severity === "error" ? result.warnings : result.errors;

      expect(other).toEqual([]);
      expect(found.map(({ rule, feature }) => ({ rule, feature }))).toEqual([
        { rule: invalid.rule, feature: invalid.feature },
      ]);
      // Every issue points at a line of the file, so an editor can jump there.
      expect(found[0]!.line).toBeGreaterThan(0);
    });
  });

  it("lists every problem of every feature in one run, errors and warnings apart", () => {
    const file = JSON.parse(read("all-kinds.geojson"));
    file.features[5].properties.kind = "parking"; // village: unknown kind (error)
    file.features[4].properties.widthM = 6; // night link: too narrow (error)
    file.features[2].properties.validTo = "2026-06-30"; // transfer station: ended (warning)
    file.features[2].properties.validFrom = "2026-01-01";

    const result = checkZoneFile(file, { source: "bundle:zones", nowMs: NOW });

    expect(result.errors.map((issue) => [issue.feature, issue.rule])).toEqual(
      expect.arrayContaining([
        ['"village"', "unknown_kind"],
        ['"night-link"', "narrow_corridor"],
      ]),
    );
    expect(result.errors).toHaveLength(2);
    expect(result.warnings.map((issue) => [issue.feature, issue.rule])).toEqual([
      ['"transfer-south"', "window_never_opens"],
    ]);
    // Parsed input (a bundle's member) has no lines to point at.
    expect(result.errors.every((issue) => issue.line === undefined)).toBe(true);
    expect(result.zones).toHaveLength(6);
  });

  it("states the corridor thresholds in the reason", () => {
    const result = checkZoneFile(read("invalid/corridor-too-narrow.geojson"), {
      source: "f",
      nowMs: NOW,
    });
    expect(result.errors[0]!.message).toContain("6 m wide");
    expect(result.errors[0]!.expected).toBe("at least 10 m, 30 m in towns");
  });

  it("judges a daylight-saving gap only in a time zone that has one", () => {
    const text = read("invalid/window-in-dst-gap.geojson");
    expect(
      checkZoneFile(text, { source: "f", timeZone: "Europe/Berlin", nowMs: NOW }).errors,
    ).toHaveLength(1);
    expect(
      checkZoneFile(text, { source: "f", timeZone: "Asia/Shanghai", nowMs: NOW }).errors,
    ).toEqual([]);
  });
});

describe("muck-agent zones check", () => {
  it(
    "exits 0 on a clean file and says how many zones it has",
    async () => {
      const run = await muckAgent(
        "zones",
        "check",
        "--now",
        "2026-12-03",
        join(FILES, "all-kinds.geojson"),
      );
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/0 errors, 0 warnings \(7 zones usable\)\n$/);
    },
    CLI_BUDGET_MS,
  );

  it(
    "exits 1 on errors, naming file, line, feature, field, reason and rule",
    async () => {
      const file = join(FILES, "invalid/corridor-without-width.geojson");
      const run = await muckAgent("zones", "check", file);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /^error: .*corridor-without-width\.geojson:\d+: feature "night-link": features\[4\]\.properties\.widthM: a route corridor .* needs its width .*\[corridor_width\]$/m,
      );
    },
    CLI_BUDGET_MS,
  );

  it(
    "exits 3 on warnings only, and --json carries the same findings",
    async () => {
      const file = join(FILES, "invalid/overlapping-disposal-sites.geojson");
      const run = await muckAgent("zones", "check", "--json", "--now", "2026-12-03", file);
      const report = JSON.parse(run.stdout);

      expect(run.exitCode).toBe(3);
      expect(report.ok).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.warnings).toMatchObject([
        { rule: "overlapping_disposal", feature: '"transfer-south"', path: "features[2].geometry" },
      ]);
      expect(report.zones.byKind).toMatchObject({ disposal_site: 2, route: 2 });
    },
    CLI_BUDGET_MS,
  );

  it(
    "exits 2 with ZONES_NOT_FOUND when there is no such file",
    async () => {
      const run = await muckAgent("zones", "check", join(FILES, "no-such.geojson"));
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain("ZONES_NOT_FOUND");
    },
    CLI_BUDGET_MS,
  );
});
