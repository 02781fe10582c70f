/**
 * `muck-agent run`: the agent itself. Validates the config before anything opens, runs until
 * SIGINT/SIGTERM, then stops producers first and exits 0 once the outbox is closed.
 */
import { Command } from "commander";
import { dirname, resolve } from "node:path";
import { loadConfig } from "../../config/load.js";
import { loadZonesForConfig } from "../../config/zones/for-config.js";
import { logger, setLogLevel, type LogLevel } from "../log.js";
import { Agent } from "../runtime.js";

export function runCommand(): Command {
  return new Command("run")
    .description("run the agent: read the GPS and scale, store every record, publish to the broker")
    .requiredOption("--config <file>", "agent config (JSON), checked before anything starts")
    .option("--log-level <level>", "override log.level from the config (fatal … trace, silent)")
    .option("--print-records", "also print each accepted record as NDJSON on stdout", false)
    .action(async (opts: { config: string; logLevel?: LogLevel; printRecords: boolean }) => {
      const config = await loadConfig(opts.config);
      const zones = await loadZonesForConfig(config, dirname(resolve(opts.config)));
      setLogLevel(opts.logLevel ?? config.log.level);

      const agent = new Agent(config, zones);
      if (opts.printRecords) agent.onRecord = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
      await agent.start();
      await untilSignal();
      await agent.stop();
    });
}

function untilSignal(): Promise<void> {
  const log = logger("agent");
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, "stopping");
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
