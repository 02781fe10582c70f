/**
 * `muck-agent identity init`: creates the gateway's Ed25519 key pair and prints what the operator
 * registers with the platform — truck id, plate and public key — so `muck-agent verify` can check
 * everything this truck signs.
 */
import { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { fingerprint } from "../trail/identity.js";
import { createKeyPair } from "../trail/key-files.js";

interface InitOptions {
  dir: string;
  force: boolean;
  config?: string;
  truckId?: string;
  plate?: string;
}

export function identityCommand(): Command {
  const identity = new Command("identity").description("the truck's signing identity (Ed25519 key pair)");
  identity
    .command("init")
    .description("create the key pair: identity.key (private, mode 0600) and identity.pub, and print what to register")
    .option("--dir <dir>", "folder for identity.key and identity.pub", "/etc/muck-agent")
    .option("--force", "replace an existing key pair (rotation: register the new public key, keep the old one for old records)", false)
    .option("--config <file>", "agent config to take the truck id and vehicle plate from")
    .option("--truck-id <id>", "truck id to print in the registration (default: from --config)")
    .option("--plate <plate>", "number plate to print in the registration (default: from --config)")
    .action(async (opts: InitOptions) => {
      const config = opts.config === undefined ? null : await loadConfig(opts.config);
      const truckId = opts.truckId ?? config?.truckId ?? "<truck id>";
      const plate = opts.plate ?? config?.detect.vehicle.plate ?? null;
      const pair = createKeyPair(opts.dir, opts.force);
      const pem = pair.publicKey.export({ type: "spki", format: "pem" }) as string;

      const lines = [
        `identity created for truck ${truckId}`,
        `  private key  ${pair.privateKeyFile} (mode 0600; set identity.keyFile in the config to this path)`,
        `  public key   ${pair.publicKeyFile}`,
        `  fingerprint  ${fingerprint(pair.publicKey)}`,
        ...(pair.replaced === null ? [] : [`  replaces     ${fingerprint(pair.replaced)} (keep it registered until every record it signed is verified)`]),
        "",
        "register with the platform (an entry of the keys file muck-agent verify reads):",
        JSON.stringify({ [truckId]: { plate, publicKeys: [pem] } }),
        "",
        pem,
      ];
      process.stdout.write(`${lines.join("\n")}`);
    });
  return identity;
}
