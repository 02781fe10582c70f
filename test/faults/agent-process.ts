/**
 * The real agent as a child process, run from the sources exactly as a developer would:
 * `node --import tsx agent/cli/main.ts run --config FILE --print-records`. Its stdout carries one
 * JSON line per record, printed only after the record's synced write (the ground truth of
 * "accepted"); its stderr carries the JSON logs, of which the tail is kept for failure messages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "../helpers/wait-for.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TAIL_LINES = 60;

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class AgentProcess {
  readonly spawnedAtMs = performance.now();
  /** Log messages seen so far, with how often (`agent started`, `connected to broker`, …). */
  readonly messages = new Map<string, number>();
  maxRssKb = 0;
  exit: AgentExit | null = null;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly exited: Promise<AgentExit>;
  private readonly stdoutEnded: Promise<void>;
  private readonly rssTimer: NodeJS.Timeout;

  constructor(
    configFile: string,
    onRecordLine: (line: string) => void,
    options: { nodeArgs?: string[]; logLevel: string; env?: Record<string, string>; onLog?: (line: string) => void },
  ) {
    const args = [...(options.nodeArgs ?? []), "--import", "tsx", "agent/cli/main.ts", "run", "--config", configFile, "--print-records"];
    // The test runner silences the agent's logs through MUCK_LOG_LEVEL; this rig reads them.
    const env = { ...process.env, ...options.env, MUCK_LOG_LEVEL: options.logLevel };
    this.child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    this.stdoutEnded = new Promise((resolve) => this.child.stdout!.once("end", resolve));
    splitLines(this.child.stdout!, onRecordLine);
    splitLines(this.child.stderr!, (line) => {
      options.onLog?.(line);
      this.onLog(line);
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.rssTimer = setInterval(() => this.sampleRss(), 250);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The last log lines, for a failure message. */
  logTail(): string {
    return this.tail.join("\n");
  }

  seen(message: string): number {
    return this.messages.get(message) ?? 0;
  }

  async waitForLog(message: string, count = 1, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.seen(message) < count) {
      if (this.exit !== null) {
        throw new Error(`agent exited (${JSON.stringify(this.exit)}) before logging "${message}"\n${this.logTail()}`);
      }
      if (performance.now() > deadline) throw new Error(`agent did not log "${message}" in ${timeoutMs} ms\n${this.logTail()}`);
      await sleep(10);
    }
  }

  /** kill -9: no flush, no goodbye. Resolves once the process is gone and its stdout is read. */
  async kill9(): Promise<void> {
    if (this.exit === null) this.child.kill("SIGKILL");
    await this.finished();
  }

  /** SIGTERM: the agent's clean stop (inputs, flush, offline status, store closed). */
  async stop(timeoutMs = 20_000): Promise<AgentExit> {
    if (this.exit === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const exit = await this.finished();
    clearTimeout(timer);
    return exit;
  }

  private async finished(): Promise<AgentExit> {
    const exit = await this.exited;
    await this.stdoutEnded;
    clearInterval(this.rssTimer);
    return exit;
  }

  private onLog(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    try {
      const { msg } = JSON.parse(line) as { msg?: unknown };
      if (typeof msg === "string") this.messages.set(msg, (this.messages.get(msg) ?? 0) + 1);
    } catch {
      // Not a log line (a crash trace): it stays in the tail.
    }
  }

  private sampleRss(): void {
    if (this.exit !== null) return;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"));
      if (match !== null) this.maxRssKb = Math.max(this.maxRssKb, Number(match[1]));
    } catch {
      // The process is exiting.
    }
  }
}

/** Calls `onLine` for every complete line; a last line without its newline is not a line. */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop()!;
    for (const line of lines) if (line !== "") onLine(line);
  });
}
