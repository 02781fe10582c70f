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
    socket.once("connect", () => resolve(true));
    socket.once("error", () => resolve(false));
  }).finally(() => undefined) as Promise<boolean>;
}

export async function startMosquitto(): Promise<Mosquitto> {
  const dir = await makeTempDir("muck-mosquitto-");
  const port = await freePort();
  const conf = join(dir.path, "mosquitto.conf");
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "log_dest stderr", ""].join("\n"));

  const child: ChildProcess = spawn(MOSQUITTO!, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));

  const deadline = Date.now() + 5000;
  while (!(await accepting(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}: ${log}`);
    await sleep(50);
  }

  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
      await dir.remove();
    },
  };
}
