/**
 * One pseudo-terminal made by socat: its slave side is the "device" the agent opens, its master
 * side is bridged to socat's stdin and stdout, which the simulator writes and reads.
 *
 * `pty,raw,echo=0` puts the terminal in raw mode before socat starts moving bytes, so the first
 * byte already passes without CR/LF translation or echo. socat keeps the slave open itself, so the
 * agent may close and reopen it without tearing the pair down; killing socat is what hangs it up.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export type SimulatorErrorCode = "SOCAT_NOT_FOUND" | "SOCAT_FAILED" | "BAD_DEVICE_PATH";

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SimulatorError";
    this.code = code;
  }
}

export interface SocatPty {
  /** The `/dev/pts/N` node the agent ends up opening. */
  ptsPath: string;
  /** The link socat made to it; the caller renames it into place. */
  linkPath: string;
  /** Resolves false once socat is gone. */
  write(data: Buffer | string): Promise<boolean>;
  /** Hangs the terminal up: the agent's handle sees a disconnect, the link socat made goes away. */
  kill(): Promise<void>;
}

export interface SpawnSocatPtyOptions {
  linkPath: string;
  socatPath: string;
  startTimeoutMs: number;
  /** Bytes the agent wrote to its side. */
  onData: (chunk: Buffer) => void;
}

const LINK_POLL_MS = 10;
const KILL_GRACE_MS = 2000;

export async function spawnSocatPty(options: SpawnSocatPtyOptions): Promise<SocatPty> {
  const { linkPath, socatPath } = options;
  const child = spawn(socatPath, ["-d", "-d", `pty,raw,echo=0,link=${linkPath}`, "STDIO"], {
    stdio: ["pipe", "pipe", "pipe"],
  });

  // socat's own log is kept for the error message; an EPIPE after it died is not an error here.
  let stderrTail = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-2000);
  });
  child.stdin.on("error", () => undefined);
  child.stdout.on("data", options.onData);

  const ptsPath = await waitForLink(child, options, () => stderrTail);

  return {
    ptsPath,
    linkPath,
    write: (data) => writeTo(child, data),
    kill: () => killAndWait(child),
  };
}

async function waitForLink(
  child: ChildProcess,
  options: SpawnSocatPtyOptions,
  stderrTail: () => string,
): Promise<string> {
  let spawnError: NodeJS.ErrnoException | null = null;
  child.once("error", (err) => {
    spawnError = err;
  });

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    const failure = spawnError as NodeJS.ErrnoException | null;
    if (failure?.code === "ENOENT") {
      throw new SimulatorError(
        "SOCAT_NOT_FOUND",
        `socat not found: install it (apt-get install socat); tried "${options.socatPath}"`,
        { cause: failure },
      );
    }
    if (failure !== null) {
      throw new SimulatorError("SOCAT_FAILED", `socat could not start: ${failure.message}`, {
        cause: failure,
      });
    }

    const ptsPath = readLinkOrNull(options.linkPath);
    if (ptsPath !== null) return ptsPath;

    if (child.exitCode !== null || child.signalCode !== null) {
      throw new SimulatorError(
        "SOCAT_FAILED",
        `socat exited before creating ${options.linkPath}: ${stderrTail()}`,
      );
    }
    if (Date.now() > deadline) {
      await killAndWait(child);
      throw new SimulatorError(
        "SOCAT_FAILED",
        `socat did not create ${options.linkPath} in ${options.startTimeoutMs} ms: ${stderrTail()}`,
      );
    }
    await sleep(LINK_POLL_MS);
  }
}

function readLinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function writeTo(child: ChildProcess, data: Buffer | string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!isRunning(child) || child.stdin === null || child.stdin.destroyed) {
      resolve(false);
      return;
    }
    child.stdin.write(data, (err) => resolve(err == null));
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");

  // socat exits on SIGTERM at once; the fallback only guards a wedged child from leaking.
  const timer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
