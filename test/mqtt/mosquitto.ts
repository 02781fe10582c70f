/**
 * Debian's mosquitto 2.x on a free port on 127.0.0.1 with its own config file, for tests that
 * must run against a broker other than the in-process aedes (MQTT 5 in particular). CI installs
 * it (.ci/run); elsewhere a missing mosquitto skips with a message, and fails under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { makeTempDir } from "../helpers/temp-dir.js";
import { sleep } from "../helpers/wait-for.js";

const MOSQUITTO = ["/usr/sbin/mosquitto", "mosquitto"].find((bin) => spawnSync(bin, ["-h"]).error === undefined);

export const mosquittoPresent = MOSQUITTO !== undefined;

export function requireMosquitto(): void {
  if (mosquittoPresent) return;
  const message = "mosquitto not found: install it (apt-get install mosquitto) to run the MQTT 5 broker tests";
  if (process.env.CI === "true") throw new Error(message);
  process.stderr.write(`SKIPPED: ${message}\n`);
}

export interface Mosquitto {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops the broker (SIGTERM: with persistence it saves its database) and keeps port and folder. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same config and persistence folder. */
  resume(): Promise<void>;
  /** halt(), then resume(). */
  restart(): Promise<void>;
}

export interface MosquittoOptions {
  /** Keep sessions, subscriptions and queued messages across a restart (`persistence true`). Default false. */
  persistence?: boolean;
  /** More mosquitto.conf lines, e.g. `max_queued_messages 0`. */
  config?: string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  }).finally(() => undefined) as Promise<boolean>;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = await makeTempDir("muck-mosquitto-");
  const port = await freePort();
  const conf = join(dir.path, "mosquitto.conf");
  // Started as root, mosquitto drops to the user "mosquitto", which cannot write into this 0700
  // folder: its database would silently not be saved. Root stays root here (test brokers only).
  const asRoot = process.getuid?.() === 0 ? ["user root"] : [];
  const persistence = options.persistence === true ? ["persistence true", `persistence_location ${dir.path}/`, ...asRoot] : ["persistence false"];
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, "allow_anonymous true", ...persistence, "log_dest stderr", ...(options.config ?? []), ""].join("\n"));

  let child = await launch(conf, port);
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    const log = (child as ChildProcess & { log?: () => string }).log?.() ?? "";
    if (/Error saving in-memory database/.test(log)) throw new Error(`mosquitto on ${port} could not save its database: ${log.slice(-500)}`);
  };

  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await halt();
      await dir.remove();
    },
    halt,
    async resume() {
      child = await launch(conf, port);
    },
    async restart() {
      await halt();
      child = await launch(conf, port);
    },
  };
}

async function launch(conf: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess & { log?: () => string } = spawn(MOSQUITTO!, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  child.log = () => log;

  const deadline = Date.now() + 5000;
  while (!(await accepting(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}: ${log}`);
    await sleep(50);
  }
  return child;
}
