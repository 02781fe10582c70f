/**
 * `muck-agent zones …`: the fleet operator's tools for zone files — import routes and sites from
 * GPX, KML or GeoJSON, check a file before it reaches a truck, and preview it as an SVG map.
 */
import { Command, Option } from "commander";
import { DEFAULT_TIME_ZONE } from "../../config/zones/check.js";
import { runZonesCheck } from "./zones-check.js";

export function zonesCommand(): Command {
  const zones = new Command("zones").description(
    "import, check and preview zone files (GeoJSON: sites, routes, speed zones, no-go areas)",
  );
  zones.addCommand(checkCommand());
  return zones;
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

function timeZoneOption(): Option {
  return new Option("--time-zone <iana>", "time zone of the file's hours and dates (zones.timeZone)")
    .default(DEFAULT_TIME_ZONE);
}
