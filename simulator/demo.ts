/**
 * The demo behind `npm start`: a whole truck on one machine. An embedded MQTT broker (unless
 * MUCK_BROKER_URL names one), the simulated GPS and SICS scale on virtual serial devices, the
 * agent reading them exactly as it reads real ones, and a subscriber on the broker's side
 * printing one line per record it receives. Ctrl-C (or --duration) stops everything in reverse
 * order of starting and removes the temporary directory.
 *
 *   node build/simulator/demo.js [--duration S] [--speed-factor N]
 *
 * Environment: MUCK_BROKER_URL (use that broker), MUCK_DEMO_PORT (embedded broker port, default
 * any free one), MUCK_DEMO_DURATION (s), MUCK_DEMO_SPEED_FACTOR, MUCK_LOG_LEVEL (default warn,
 * so the agent's JSON logs on stderr do not drown the record lines).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { AgentConfigSchema, type AgentConfig } from "../config/schema.js";
import { MuckError } from "../agent/errors.js";
import { logger, setLogLevel, LOG_LEVELS, type LogLevel } from "../agent/log.js";
import { Agent } from "../agent/runtime.js";
import { startDemoBroker } from "./demo-broker.js";
import { startSubscriber } from "./demo-subscriber.js";
import { openSimulation } from "./simulation.js";
import { writeDemoZones } from "./demo-zones.js";
import { loadZonesForConfig } from "../config/zones/for-config.js";
import { waitForStop } from "./stop-signal.js";

export const DEMO_TRUCK_ID = "DEMO-001";

export interface DemoOptions {
  /** Stop by itself after this many seconds; default: run until SIGINT or SIGTERM. */
  durationS?: number;
  /** 1 = real time. Default 1. */
  speedFactor?: number;
  /** An external broker; default an embedded one. */
  brokerUrl?: string;
  /** Port of the embedded broker; default any free one. */
  port?: number;
  /** Where record lines go; default stdout. */
  print?: (line: string) => void;
}

/** How long shutdown waits for the subscriber to print records the agent already sent. */
const DRAIN_MS = 1000;

const log = logger("sim");

export async function runDemo(options: DemoOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const teardown: Array<() => Promise<void>> = [];

  try {
    const dir = await mkdtemp(join(tmpdir(), "muck-demo-"));
    teardown.push(() => rm(dir, { recursive: true, force: true }));

    const embedded = options.brokerUrl === undefined ? await startDemoBroker(options.port ?? 0) : null;
    if (embedded !== null) teardown.push(() => embedded.close());
    const brokerUrl = options.brokerUrl ?? embedded!.url;

    // Consumers first: the subscriber and the agent are up before the first sentence is written.
    const subscriber = await startSubscriber(brokerUrl, "muck/+/+", print);
    teardown.push(() => subscriber.close());

    const simulation = await openSimulation({
      gpsDevicePath: join(dir, "gps"),
      scaleDevicePath: join(dir, "scale"),
      scaleProtocol: "sics",
      speedFactor: options.speedFactor ?? 1,
      loop: true,
    });
    teardown.push(() => simulation.close());

    const devices = { gps: simulation.gps.devicePath, scale: simulation.scale!.devicePath };
    const config = demoConfig(dir, brokerUrl, devices, await writeDemoZones(dir));
    const agent = new Agent(config, await loadZonesForConfig(config, dir));
    const acceptedIds = new Set<string>();
    agent.onRecord = (record) => acceptedIds.add(record.id);
    await agent.start();
    teardown.push(async () => {
      await agent.stop();
      await waitUntil(() => [...acceptedIds].every((id) => subscriber.receivedIds.has(id)), DRAIN_MS);
    });

    // Producers last, and stopped first: the players go before the agent closes its ports.
    void simulation.play();
    teardown.push(() => simulation.stop());

    printBanner(print, `${brokerUrl}${embedded === null ? "" : " (embedded)"}`, devices);
    const reason = await waitForStop(options.durationS);
    log.info({ reason }, "demo stopping");
  } finally {
    for (const step of teardown.reverse()) {
      await step().catch((error: unknown) => {
        log.error({ err: (error as Error).message }, "demo teardown step failed");
      });
    }
  }
}

interface DevicePaths {
  gps: string;
  scale: string;
}

function demoConfig(dir: string, brokerUrl: string, devices: DevicePaths, zonesFile: string): AgentConfig {
  return AgentConfigSchema.parse({
    truckId: DEMO_TRUCK_ID,
    dataDir: join(dir, "data"),
    gps: { path: devices.gps },
    // SICS replies say net weight only, so the agent must be told to use net.
    scale: { path: devices.scale, protocol: "sics", weight: "net", pollIntervalMs: 500 },
    mqtt: { url: brokerUrl, keepaliveS: 30, reconnectMinMs: 500, reconnectMaxMs: 5000 },
    // Tuned so a line appears every few seconds; the defaults suit a cellular data plan, not a demo.
    cadence: {
      minPeriodS: 5,
      minDistanceM: 100,
      heartbeatS: 10,
      weightDeltaKg: 2500,
      weightPeriodS: 15,
    },
    outbox: { syncIntervalMs: 50 },
    zones: { file: zonesFile },
    // The demo loads within seconds of starting: the weight reference may settle faster than a
    // real truck's, whose agent has been running for hours when the excavator starts.
    detect: { load: { settleS: 5 } },
  });
}

function printBanner(print: (line: string) => void, broker: string, devices: DevicePaths): void {
  print(`muck-agent demo: truck ${DEMO_TRUCK_ID} hauling a load across Shanghai and back`);
  print(`  broker  ${broker}`);
  print(`  gps     ${devices.gps}`);
  print(`  scale   ${devices.scale} (sics)`);
  print("Ctrl-C stops. Records as the broker's subscriber receives them:");
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

const USAGE = `usage: node build/simulator/demo.js [--duration S] [--speed-factor N]   (or npm start)
environment: MUCK_DEMO_DURATION, MUCK_DEMO_SPEED_FACTOR, MUCK_DEMO_PORT, MUCK_BROKER_URL, MUCK_LOG_LEVEL`;

function optionsFromCommandLine(argv: string[]): DemoOptions | "help" {
  let values: { duration?: string; "speed-factor"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { duration: { type: "string" }, "speed-factor": { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    throw new MuckError("USAGE", `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return "help";
  const env = process.env;

  return {
    durationS: positiveNumber("--duration", values.duration ?? env.MUCK_DEMO_DURATION),
    speedFactor: positiveNumber("--speed-factor", values["speed-factor"] ?? env.MUCK_DEMO_SPEED_FACTOR),
    brokerUrl: brokerUrl(env.MUCK_BROKER_URL),
    port: positiveNumber("MUCK_DEMO_PORT", env.MUCK_DEMO_PORT),
  };
}

function brokerUrl(text: string | undefined): string | undefined {
  if (text === undefined || text === "") return undefined;
  const protocol = URL.canParse(text) ? new URL(text).protocol : "";
  if (protocol !== "mqtt:" && protocol !== "mqtts:") {
    throw new MuckError("USAGE", `MUCK_BROKER_URL must be an mqtt:// or mqtts:// URL, got "${text}"`);
  }
  return text;
}

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new MuckError("USAGE", `${name} must be a positive number, got "${text}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const level = process.env.MUCK_LOG_LEVEL ?? "warn";
  setLogLevel((LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : "warn");

  try {
    const options = optionsFromCommandLine(process.argv.slice(2));
    if (options === "help") process.stdout.write(`${USAGE}\n`);
    else await runDemo(options);
  } catch (error) {
    // A broker that cannot be reached is the user's setting, not a bug: say so by its code.
    const code = error instanceof MuckError ? error.code : ((error as { code?: string }).code ?? "INTERNAL");
    process.stderr.write(`muck-agent demo: ${code}: ${(error as Error).message}\n`);
    process.exitCode = error instanceof MuckError ? 2 : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
