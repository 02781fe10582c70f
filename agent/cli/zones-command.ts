/**
 * `muck-agent zones …`: the fleet operator's tools for zone files — import routes and sites from
 * GPX, KML or GeoJSON, check a file before it reaches a truck, and preview it as an SVG map.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_TIME_ZONE } from "../../config/zones/check.js";
import { KIND_CHOICES } from "../../config/zones/import/kinds.js";
import { JOIN_GAP_M } from "../../config/zones/import/to-zones.js";
import { runZonesCheck } from "./zones-check.js";
import { runZonesImport, type ImportCommandOptions } from "./zones-import.js";
import { runZonesPreview, type PreviewCommandOptions } from "./zones-preview.js";

export function zonesCommand(): Command {
  const zones = new Command("zones").description(
    "import, check and preview zone files (GeoJSON: sites, routes, speed zones, no-go areas)",
  );
  zones.addCommand(importCommand());
  zones.addCommand(checkCommand());
  zones.addCommand(previewCommand());
  return zones;
}

function importCommand(): Command {
  return new Command("import")
    .description("turn GPX routes and tracks, KML placemarks or GeoJSON features into a zone file")
    .argument("<file>", "FILE.gpx, FILE.kml or FILE.geojson (WGS84)")
    .addOption(
      new Option(
        "--kind <kind>",
        "kind of every zone (default: from the KML folder name, else route for lines)",
      ).choices(KIND_CHOICES),
    )
    .option("--width <m>", "corridor width for lines, metres (full width)", metres)
    .option("--radius <m>", "circle radius for points (GPX waypoints, KML points), metres", metres)
    .option("--speed-limit <kmh>", "speedLimitKmh of every zone", metres)
    .option(
      "--name <name>",
      "the zone's name when the file has one feature; else the name of unnamed ones",
    )
    .option("--id-prefix <prefix>", "put before every id made from a name", "")
    .option(
      "--simplify <m>",
      "drop line vertices within this of the line (0 keeps all), metres",
      metresOrZero,
      5,
    )
    .option("--out <file>", "write the zone file here (default: stdout, summary on stderr)")
    .option("--append", "add to the zone file --out names instead of replacing it", false)
    .addOption(timeZoneOption())
    .addHelpText(
      "after",
      [
        "",
        "GPX: each track and route becomes a corridor (track segments less than",
        `${JOIN_GAP_M} m apart are joined); waypoints become circles with --radius.`,
        "KML: polygons become areas, lines corridors, points circles; folders named for a kind",
        '("Loading sites", "Disposal sites", "No-go areas", "Speed zones", "Routes") give their',
        "placemarks that kind. ExtendedData or GeoJSON properties named widthM, radiusM or",
        "speedLimitKmh override the options. The result is checked first; a file with errors",
        "is not written.",
      ].join("\n"),
    )
    .action(async (file: string, options: ImportCommandOptions) => {
      process.exitCode = await runZonesImport(file, options);
    });
}

function checkCommand(): Command {
  return new Command("check")
    .description("list every problem of a zone file with the feature id or index and the reason")
    .argument("<file>", "zone file (GeoJSON)")
    .option("--json", "print the result as one JSON object", false)
    .addOption(timeZoneOption())
    .option("--now <date>", "judge expired windows as of this date (YYYY-MM-DD or ISO time)")
    .addHelpText(
      "after",
      "\nExit code: 0 no problem, 1 errors (the agent would reject the file or a zone cannot work),\n" +
        "3 warnings only, 2 the file cannot be read.",
    )
    .action(async (file: string, options: { json: boolean; timeZone: string; now?: string }) => {
      process.exitCode = await runZonesCheck(file, options);
    });
}

function previewCommand(): Command {
  return new Command("preview")
    .description(
      "draw a zone file as an SVG map, offline: zones to scale, a replayed track, events",
    )
    .argument("<file>", "zone file (GeoJSON)")
    .requiredOption("--out <file>", "the SVG to write")
    .option(
      "--track <capture>",
      "GPS capture (raw NMEA, as replay --gps): drawn coloured by speed against the limit",
    )
    .option(
      "--events <file>",
      "event records, one a line (replay --print events): drawn where they happened",
    )
    .option(
      "--config <file>",
      "agent config: time zone, default speed limit and tolerance (defaults without)",
    )
    .option(
      "--time-zone <iana>",
      "time zone of the file's hours and dates (default: the config's, else Asia/Shanghai)",
    )
    .action(async (file: string, options: PreviewCommandOptions) => {
      process.exitCode = await runZonesPreview(file, options);
    });
}

function timeZoneOption(): Option {
  return new Option(
    "--time-zone <iana>",
    "time zone of the file's hours and dates (zones.timeZone)",
  ).default(DEFAULT_TIME_ZONE);
}

function metres(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError("expected a number above 0");
  return value;
}

function metresOrZero(text: string): number {
  const value = Number(text);
  if (!(value >= 0)) throw new InvalidArgumentError("expected a number, 0 or more");
  return value;
}
