#!/usr/bin/env node
/**
 * The `muck-agent` command. Each subcommand lives in its own file; this one only assembles them
 * and turns an error into a message and an exit code (logs go to stderr, output to stdout).
 */
import { Command, CommanderError } from "commander";
import { MuckError } from "../errors.js";
import { configCommand } from "./config-command.js";
import { installCommand, uninstallCommand } from "./install-command.js";
import { identityCommand } from "./identity-command.js";
import { verifyCommand } from "./verify-command.js";
import { consumeCommand } from "./consume-command.js";
import { recordCommand } from "./record-command.js";
import { replayCommand } from "./replay-command.js";
import { runCommand } from "./run-command.js";
import { scenarioCommand } from "./scenario-command.js";
import { simCommand } from "./sim-command.js";
import { statusCommand } from "./status-command.js";
import { zonesCommand } from "./zones-command.js";

export function buildProgram(): Command {
  return new Command("muck-agent")
    .description("onboard telemetry agent for muck trucks: GPS and load-cell in, violations detected on the truck, records stored and forwarded over MQTT")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError()
    // Program options (--version) only before the subcommand, so `config bundle --version N` is the bundle's.
    .enablePositionalOptions()
    .addCommand(runCommand())
    .addCommand(replayCommand())
    .addCommand(configCommand())
    .addCommand(simCommand())
    .addCommand(recordCommand())
    .addCommand(scenarioCommand())
    .addCommand(consumeCommand())
    .addCommand(statusCommand())
    .addCommand(zonesCommand())
    .addCommand(installCommand())
    .addCommand(uninstallCommand())
    .addCommand(identityCommand())
    .addCommand(verifyCommand());
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    // MuckError and SimulatorError carry stable string codes (README, "Error codes").
    const code = (error as { code?: unknown }).code;
    const known = typeof code === "string" && /^[A-Z_]+$/.test(code);
    process.stderr.write(`muck-agent: ${known ? code : "INTERNAL"}: ${(error as Error).message}\n`);
    process.exitCode = known || error instanceof MuckError ? 2 : 70;
  }
}

// `muck-agent replay … | head`: a reader that stops early is not an error, and must not end the
// command either — `run --print-records` keeps recording, `config check` keeps its exit code.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

await main(process.argv);
