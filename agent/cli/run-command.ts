/**
 * `muck-agent run`: the agent itself. Validates the config before anything opens (the local file,
 * its zones and the last-known-good bundles), runs until SIGINT/SIGTERM, then stops producers
 * first and exits 0 once the outbox is closed. SIGHUP reloads the local file and its zones.
 */
import { Command } from "commander";
import { logger, setLogLevel, type LogLevel } from "../log.js";
import { ConfigManager } from "../ota/config-manager.js";
import { loadStartupConfig } from "../ota/startup.js";
import { Agent } from "../runtime.js";
import { stopWithin } from "../stop-bound.js";

export function runCommand(): Command {
  return new Command("run")
    .description("run the agent: read the GPS and scale, store every record, publish to the broker")
    .requiredOption("--config <file>", "agent config (JSON), checked before anything starts")
    .option("--log-level <level>", "override log.level from the config (fatal … trace, silent)")
    .option("--print-records", "also print each accepted record as NDJSON on stdout", false)
    .action(async (opts: { config: string; logLevel?: LogLevel; printRecords: boolean }) => {
      const startup = await loadStartupConfig(opts.config);
      const { config, zones, zonesFrom } = startup.composed;
      setLogLevel(opts.logLevel ?? config.log.level);

      const agent = new Agent(config, zones);
      const { layers, publicKey, trials } = startup;
      const manager = new ConfigManager(agent, layers, zonesFrom, publicKey, trials);
      agent.control = manager.subscription();
      if (opts.printRecords) agent.onRecord = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
      await agent.start();
      await untilSignal(() => void manager.reloadLocal());
      // Asked to stop, not crashed: a bundle on trial has passed it.
      manager.stop();
      await stopWithin(agent);
    });
}

/**
 * Resolves on the first SIGINT or SIGTERM. Later ones while stopping are logged, not fatal: a
 * supervisor or a terminal often sends two. SIGHUP reloads the config; SIGUSR2 is logged and
 * ignored, so a stray signal cannot kill the agent without a clean stop.
 */
function untilSignal(reload: () => void): Promise<void> {
  const log = logger("agent");
  let stopping = false;
  process.on("SIGHUP", () => {
    log.info({ signal: "SIGHUP" }, "reloading the config");
    if (!stopping) reload();
  });
  process.on("SIGUSR2", () => log.warn({ signal: "SIGUSR2" }, "signal ignored"));
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
