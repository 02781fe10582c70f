/**
 * `muck-agent replay`: runs the agent's pipeline offline over recorded captures and prints
 * NDJSON on stdout, one object a line.
 */
import { Command, Option } from "commander";
import { replayCaptures, type ReplayPrint } from "../replay.js";

export function replayCommand(): Command {
  return new Command("replay")
    .description("run the pipeline offline over recorded captures and print NDJSON on stdout")
    .requiredOption("--gps <file>", "GPS capture: raw NMEA 0183 as the receiver sent it (# lines are skipped)")
    .option("--scale <file>", "load-cell capture: raw indicator output")
    .option("--config <file>", "agent config (JSON); defaults apply without one")
    .option("--zones <file>", "zone file (GeoJSON) for the detectors; default: the config's zones.file")
    .option("--inputs <file>", 'input changes, one JSON object a line: {"t":"2026-…Z","bodyLift":true}')
    .addOption(
      new Option("--print <what>", "what to print, one JSON object per line (events: event and trip records)")
        .choices(["fixes", "records", "events"])
        .default("fixes"),
    )
    .option("--stats", "print the fault and sentence counters as a last line", false)
    .action(async (opts: { gps: string; scale?: string; config?: string; zones?: string; inputs?: string; print: ReplayPrint; stats: boolean }) => {
      const write = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
      const files = { gpsFile: opts.gps, scaleFile: opts.scale, configFile: opts.config, zonesFile: opts.zones, inputsFile: opts.inputs };
      const summary = await replayCaptures({ ...files, print: opts.print }, write);
      if (opts.stats) write({ stats: summary });
    });
}
