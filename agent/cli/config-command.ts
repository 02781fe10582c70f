/**
 * `muck-agent config …`: check a config file, print it with its defaults filled in, and print
 * the option table; keygen, bundle, sign and push for over the air live in config-ota.ts. Results go to stdout (they are the command's output); the exit code says
 * whether the file is usable: 0 yes, 1 no.
 */
import { Command } from "commander";
import { addOtaCommands } from "./config-ota.js";
import { formatConfigIssue, type ConfigIssue } from "../errors.js";
import { checkConfig } from "../../config/load.js";
import { optionsMarkdown } from "../../config/options-table.js";
import { AgentConfigSchema, type AgentConfig } from "../../config/schema.js";

const HIDDEN = "(hidden)";

export function configCommand(): Command {
  const config = new Command("config").description(
    "check, print and document the agent's JSON config file",
  );

  config
    .command("check")
    .description(
      "validate a config file and list every problem with its line, field, expected and found value",
    )
    .argument("<file>", "config file (JSON)")
    .addHelpText(
      "after",
      "\nPrints `FILE: OK` and a summary and exits 0, or one line per problem and exits 1.",
    )
    .action(async (file: string) => {
      const { config: checked, issues } = await checkConfig(file);

      if (checked === undefined) {
        writeIssues(process.stdout, file, issues);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${file}: OK — ${summary(checked)}\n`);
    });

  config
    .command("print")
    .description("print the config with every default filled in, as JSON")
    .argument("<file>", "config file (JSON)")
    .option("--show-secrets", "print the MQTT password instead of hiding it", false)
    .action(async (file: string, options: { showSecrets: boolean }) => {
      const { config: checked, issues } = await checkConfig(file);

      // The problems are diagnostics here, not the output, so they go to stderr.
      if (checked === undefined) {
        writeIssues(process.stderr, file, issues);
        process.exitCode = 1;
        return;
      }
      const shown = options.showSecrets ? checked : hideSecrets(checked);
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    });

  config
    .command("defaults")
    .description("print every option with its default, unit and meaning, as a markdown table")
    .addHelpText("after", "\nThe README's configuration table is this output.")
    .action(() => {
      process.stdout.write(optionsMarkdown(AgentConfigSchema));
    });

  addOtaCommands(config);
  return config;
}

function writeIssues(out: NodeJS.WritableStream, file: string, issues: ConfigIssue[]): void {
  for (const issue of issues) out.write(`${formatConfigIssue(issue)}\n`);
  out.write(`${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n`);
}

/** One line saying what the agent will talk to. */
function summary(config: AgentConfig): string {
  const gps = `gps ${config.gps.path} at ${config.gps.baudRate} baud`;
  const scale =
    config.scale === undefined
      ? "no scale"
      : `scale ${config.scale.protocol} on ${config.scale.path} at ${config.scale.baudRate} baud`;
  const version = config.mqtt.protocolVersion === 5 ? "MQTT 5" : "MQTT 3.1.1";
  const mqtt = `mqtt ${withoutPassword(config.mqtt.url)} (${version})`;
  return `truck ${config.truckId}; ${gps}; ${scale}; ${mqtt}`;
}

function hideSecrets(config: AgentConfig): AgentConfig {
  const mqtt = { ...config.mqtt, url: withoutPassword(config.mqtt.url) };
  if (mqtt.password !== undefined) mqtt.password = HIDDEN;
  return { ...config, mqtt };
}

// A broker URL may carry `user:password@`; the schema guarantees it parses.
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password === "") return url;
  parsed.password = HIDDEN;
  return parsed.toString();
}
