/**
 * The operator's over-the-air commands under `muck-agent config`: keygen (the fleet key pair),
 * bundle (settings + zone file → bundle), sign, push (retained, with the trucks' acks). Output
 * goes to stdout; a problem stops the command with a code (README, "Error codes").
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { formatConfigIssue, MuckError } from "../errors.js";
import { BundleSchema, type Bundle } from "../ota/bundle.js";
import type { ConfigAck } from "../ota/ack.js";
import { buildBundle } from "../ota/operator.js";
import { pushBundle } from "../ota/push.js";
import { generateFleetKeys, keyId, signBundle } from "../ota/signature.js";
import { createPublicKey } from "node:crypto";

export function addOtaCommands(config: Command): void {
  config.addCommand(keygenCommand());
  config.addCommand(bundleCommand());
  config.addCommand(signCommand());
  config.addCommand(pushCommand());
}

function keygenCommand(): Command {
  return new Command("keygen")
    .description(
      "make the fleet's Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub (for ota.publicKeyFile)",
    )
    .option("--out <name>", "file name without extension", "fleet")
    .option("--force", "overwrite existing key files", false)
    .action((opts: { out: string; force: boolean }) => {
      const privateFile = `${opts.out}.key`;
      const publicFile = `${opts.out}.pub`;
      for (const file of [privateFile, publicFile]) {
        if (existsSync(file) && !opts.force)
          throw new MuckError(
            "USAGE",
            `${file} exists; a new key would orphan every truck that trusts the old one (--force to overwrite)`,
          );
      }
      const keys = generateFleetKeys();
      writeFileSync(privateFile, keys.privateKeyPem, { mode: 0o600 });
      writeFileSync(publicFile, keys.publicKeyPem, { mode: 0o644 });
      const id = keyId(createPublicKey(keys.publicKeyPem));
      process.stdout.write(
        `${privateFile}: private key (keep it off the trucks)\n${publicFile}: public key ${id} (ota.publicKeyFile on every truck)\n`,
      );
    });
}

function bundleCommand(): Command {
  return new Command("bundle")
    .description(
      "build a config bundle from a settings file and/or a zone file, checked as a truck would check it",
    )
    .requiredOption(
      "--version <n>",
      "bundle version: an integer above the last one pushed to this target",
      positiveInteger,
    )
    .option("--fleet", "for every truck (the fleet-wide topic)")
    .option("--truck <id>", "for one truck")
    .option(
      "--settings <file>",
      "JSON with cadence / detect / zones.timeZone; a whole agent config works (local-only keys are left out)",
    )
    .option("--zones <file>", "GeoJSON zone file to send (replaces the truck's zones)")
    .requiredOption("--out <file>", "where to write the bundle")
    .action(
      async (opts: {
        version: number;
        fleet?: boolean;
        truck?: string;
        settings?: string;
        zones?: string;
        out: string;
      }) => {
        const target = targetOption(opts);
        if (opts.settings === undefined && opts.zones === undefined)
          throw new MuckError("USAGE", "a bundle needs --settings, --zones or both");

        const built = await buildBundle({
          version: opts.version,
          target,
          settingsFile: opts.settings,
          zonesFile: opts.zones,
        });
        for (const warning of built.warnings)
          process.stdout.write(`warning: ${formatConfigIssue(warning)}\n`);
        if (built.bundle === undefined) {
          for (const issue of built.issues) process.stdout.write(`${formatConfigIssue(issue)}\n`);
          throw new MuckError(
            "BUNDLE_INVALID",
            `bundle not written: ${built.issues.length} problem${built.issues.length === 1 ? "" : "s"}`,
          );
        }
        writeFileSync(opts.out, `${JSON.stringify(built.bundle, null, 2)}\n`);
        const leftOut =
          built.leftOut.length === 0 ? "" : `; left out (local only): ${built.leftOut.join(", ")}`;
        process.stdout.write(`${opts.out}: ${target} v${opts.version}, unsigned${leftOut}\n`);
      },
    );
}

function signCommand(): Command {
  return new Command("sign")
    .description("sign a bundle with the fleet's private key (Ed25519 over its canonical bytes)")
    .requiredOption("--key <file>", "the fleet's private key (from config keygen)")
    .option("--out <file>", "where to write the signed bundle (default: in place)")
    .argument("<bundle>", "bundle file")
    .action((file: string, opts: { key: string; out?: string }) => {
      const bundle = readBundle(file);
      let signed: Bundle;
      try {
        signed = signBundle(bundle, readFileSync(opts.key));
      } catch (error) {
        throw new MuckError(
          "KEY_UNUSABLE",
          `${opts.key}: not an Ed25519 private key (${(error as Error).message})`,
          { cause: error },
        );
      }
      writeFileSync(opts.out ?? file, `${JSON.stringify(signed, null, 2)}\n`);
      process.stdout.write(
        `${opts.out ?? file}: ${signed.target} v${signed.version} signed by key ${signed.signature!.keyId}\n`,
      );
    });
}

function pushCommand(): Command {
  return new Command("push")
    .description(
      "publish a bundle retained (QoS 1) on its config topic, wait for the broker's PUBACK, optionally for the trucks' acks",
    )
    .requiredOption("--url <url>", "broker, e.g. mqtts://broker.example:8883")
    .option("--fleet", "the bundle is for the fleet-wide topic (checked against its target)")
    .option("--truck <id>", "the bundle is for this truck (checked against its target)")
    .option("--prefix <prefix>", "mqtt.topicPrefix of the trucks", "muck")
    .option("--fleet-topic <level>", "ota.fleetTopic of the trucks", "fleet")
    .option("--wait <s>", "seconds to wait for acks after the PUBACK (0: do not wait)", nonNegative, 0)
    .option(
      "--expect <n>",
      "stop waiting once this many trucks have acked (default: 1 for a truck)",
      positiveInteger,
    )
    .option("--username <name>", "broker user name (the password from MUCK_MQTT_PASSWORD)")
    .option("--ca <file>", "CA certificate (PEM) for mqtts://")
    .addOption(new Option("--client-id <id>", "MQTT client id").default(`muck-push-${process.pid}`))
    .argument("<bundle>", "signed bundle file")
    .addHelpText(
      "after",
      "\nPrints one line per ack: TRUCK RESULT vVERSION, then the errors of a rejection.\nExit 0: pushed (and every awaited ack applied); 1: an ack said rejected or ignored; 3: fewer acks than expected in time.",
    )
    .action(
      async (
        file: string,
        opts: {
          url: string;
          fleet?: boolean;
          truck?: string;
          prefix: string;
          fleetTopic: string;
          wait: number;
          expect?: number;
          username?: string;
          ca?: string;
          clientId: string;
        },
      ) => {
        const bundle = readBundle(file);
        const target = targetOption(opts);
        if (bundle.target !== target)
          throw new MuckError("USAGE", `${file} is for ${bundle.target}, not ${target}`);

        const expect = opts.expect ?? (opts.truck === undefined ? Number.MAX_SAFE_INTEGER : 1);
        const clientOptions = {
          clientId: opts.clientId,
          username: opts.username,
          password: process.env.MUCK_MQTT_PASSWORD,
          ca: opts.ca === undefined ? undefined : readFileSync(opts.ca),
        };
        let result;
        try {
          result = await pushBundle(bundle, readFileSync(file, "utf8"), {
            url: opts.url,
            prefix: opts.prefix,
            fleetTopic: opts.fleetTopic,
            waitS: opts.wait,
            expect,
            clientOptions,
            onAck: printAck,
            onPublished: (topic) =>
              process.stdout.write(
                `pushed ${bundle.target} v${bundle.version} to ${topic} (retained, PUBACK received)\n`,
              ),
          });
        } catch (error) {
          throw new MuckError("PUSH_FAILED", `${opts.url}: ${(error as Error).message}`, {
            cause: error,
          });
        }
        if (opts.wait === 0) return;

        const notApplied = result.acks.filter((ack) => ack.result !== "applied").length;
        const short = expect !== Number.MAX_SAFE_INTEGER && result.acks.length < expect;
        if (short)
          process.stdout.write(`${result.acks.length} of ${expect} acks within ${opts.wait} s\n`);
        if (notApplied > 0) process.exitCode = 1;
        else if (short) process.exitCode = 3;
      },
    );
}

function printAck(ack: ConfigAck): void {
  const reason = ack.reason === undefined ? "" : ` (${ack.reason})`;
  process.stdout.write(`${ack.truckId} ${ack.result} v${ack.version ?? "?"}${reason}\n`);
  for (const error of ack.errors) {
    const where = error.line === undefined ? "" : `:${error.line}`;
    process.stdout.write(
      `  ${error.path === "" ? "(bundle)" : error.path}${where}: ${error.message} (expected ${error.expected}, found ${error.found})\n`,
    );
  }
}

function readBundle(file: string): Bundle {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new MuckError("BUNDLE_INVALID", `${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = BundleSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(bundle)"}: ${issue.message}`)
      .join("; ");
    throw new MuckError("BUNDLE_INVALID", `${file}: not a bundle: ${problems}`);
  }
  return parsed.data;
}

function targetOption(opts: { fleet?: boolean; truck?: string }): string {
  if ((opts.fleet === true) === (opts.truck !== undefined))
    throw new MuckError("USAGE", "give exactly one of --fleet and --truck ID");
  return opts.truck === undefined ? "fleet" : `truck:${opts.truck}`;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new MuckError("USAGE", `not a positive integer: ${text}`);
  return value;
}

function nonNegative(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new MuckError("USAGE", `not a number of seconds: ${text}`);
  return value;
}
