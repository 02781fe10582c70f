/**
 * `muck-agent zones import FILE`: routes, tracks and sites from GPX, KML or GeoJSON into a zone
 * file the agent loads. The result is checked as `zones check` checks it before it is written:
 * a file with errors is never written. Exit 0 when written, 1 when not (the problems listed).
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { MuckError } from "../errors.js";
import { checkZoneFile } from "../../config/zones/check.js";
import { parseKind } from "../../config/zones/import/kinds.js";
import { readSource } from "../../config/zones/import/read-source.js";
import { summaryTable } from "../../config/zones/import/summary.js";
import { toZones, type ZoneFeature } from "../../config/zones/import/to-zones.js";
import { formatZoneFile } from "../../config/zones/import/write-zone-file.js";
import { asText, plural, readZoneText } from "./zones-check.js";

export interface ImportCommandOptions {
  kind?: string;
  width?: number;
  radius?: number;
  speedLimit?: number;
  name?: string;
  idPrefix: string;
  simplify: number;
  out?: string;
  append: boolean;
  timeZone: string;
}

export async function runZonesImport(file: string, options: ImportCommandOptions): Promise<number> {
  const kind = options.kind === undefined ? undefined : parseKind(options.kind);
  if (options.kind !== undefined && kind === undefined) {
    throw new MuckError("USAGE", `--kind: unknown kind "${options.kind}"`);
  }
  if (options.append && options.out === undefined)
    throw new MuckError("USAGE", "--append needs --out FILE");

  const existing =
    options.append && existsSync(options.out!) ? await existingFeatures(options.out!) : [];
  const source = await readSource(file);
  const imported = toZones(source.features, {
    ...(kind === undefined ? {} : { kind }),
    ...(options.width === undefined ? {} : { widthM: options.width }),
    ...(options.radius === undefined ? {} : { radiusM: options.radius }),
    ...(options.speedLimit === undefined ? {} : { speedLimitKmh: options.speedLimit }),
    ...(options.name === undefined ? {} : { name: options.name }),
    idPrefix: options.idPrefix,
    simplifyM: options.simplify,
    sourceName: basename(file),
    takenIds: existing.map((feature) => String((feature.properties as { id?: unknown }).id)),
  });

  // The summary is the output when the zone file goes to a file; else it is a diagnostic.
  const report = options.out === undefined ? process.stderr : process.stdout;
  const read = `${file}: ${plural(source.features.length, "feature")} read (${source.format})`;
  for (const line of imported.skipped) report.write(`skipped: ${line}\n`);
  if (imported.problems.length > 0) {
    for (const line of imported.problems) report.write(`error: ${line}\n`);
    report.write(
      `${read}; nothing written: ${plural(imported.problems.length, "feature")} cannot become zones\n`,
    );
    return 1;
  }

  const collection = { type: "FeatureCollection", features: [...existing, ...imported.zones] };
  const text = formatZoneFile(collection);
  const target = options.out ?? "(stdout)";
  const checked = checkZoneFile(text, { source: target, timeZone: options.timeZone });
  if (checked.errors.length > 0) {
    report.write(asText(target, checked));
    report.write(`${read}; nothing written: the result has errors\n`);
    return 1;
  }

  if (options.out === undefined) process.stdout.write(text);
  else await writeFile(options.out, text);
  const kept =
    existing.length > 0 ? ` after the ${plural(existing.length, "zone")} already there` : "";
  report.write(`${read}; ${plural(imported.zones.length, "zone")} written to ${target}${kept}\n`);
  report.write(summaryTable(imported));
  if (checked.warnings.length > 0) report.write(asText(target, { ...checked, errors: [] }));
  return 0;
}

async function existingFeatures(file: string): Promise<ZoneFeature[]> {
  const text = await readZoneText(file);
  try {
    const data = JSON.parse(text) as { type?: unknown; features?: unknown };
    if (data.type === "FeatureCollection" && Array.isArray(data.features))
      return data.features as ZoneFeature[];
  } catch {
    // reported below
  }
  throw new MuckError(
    "ZONES_INVALID",
    `${file}: --append needs a zone file (a GeoJSON FeatureCollection) there`,
  );
}
