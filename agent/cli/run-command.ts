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

/**
 * Resolves on the first SIGINT or SIGTERM. Later ones while stopping are logged, not fatal: a
 * supervisor or a terminal often sends two. SIGHUP (config reload is not built yet) and SIGUSR2
 * are logged and ignored, so a stray signal cannot kill the agent without a clean stop.
 */
function untilSignal(): Promise<void> {
  const log = logger("agent");
  let stopping = false;
  for (const signal of ["SIGHUP", "SIGUSR2"] as const) {
    process.on(signal, () => log.warn({ signal }, "signal ignored (config reload is not supported yet)"));
  }
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "already stopping");
        return;
      }
      stopping = true;
      log.info({ signal }, "stopping");
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
