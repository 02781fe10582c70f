/**
 * `muck-agent install` and `muck-agent uninstall`: the agent as a systemd service (see
 * agent/install/). Run as root from the unpacked bundle.
 */
import { Command } from "commander";
import { install, uninstall } from "../install/install.js";
import { DEFAULT_NODE, DEFAULT_USER, SERIAL_GROUP } from "../install/paths.js";

export function installCommand(): Command {
  return new Command("install")
    .description("install the agent as a systemd service: user, /etc/muck-agent, /var/lib/muck-agent, unit")
    .option("--root <dir>", "install into this root folder (an image) instead of the live system", "/")
    .option("--user <name>", "the service's system user (created in the dialout group)", DEFAULT_USER)
    .option("--node <path>", "the node binary the unit runs (Node.js 20+)", DEFAULT_NODE)
    .option("--app-dir <path>", "the unpacked bundle as seen on the target (default: where this runs from)")
    .addHelpText("after", "\nKeeps an existing config and the outbox; run it again after unpacking a new bundle to upgrade.")
    .action((opts: { root: string; user: string; node: string; appDir?: string }) => {
      const { root, user, node, appDir } = opts;
      const report = install({ root, user, serialGroup: SERIAL_GROUP, node, appDir });
      process.stdout.write(report.actions.map((line) => `${line}\n`).join(""));
    });
}

export function uninstallCommand(): Command {
  return new Command("uninstall")
    .description("remove the systemd unit; keeps the config, the outbox and the user")
    .option("--root <dir>", "uninstall from this root folder instead of the live system", "/")
    .action((opts: { root: string }) => {
      process.stdout.write(uninstall(opts.root).map((line) => `${line}\n`).join(""));
    });
}
