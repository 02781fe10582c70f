/** Runs the real `muck-agent` CLI from the sources in a child process, for exit codes and output. */
import { execFile } from "node:child_process";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "..", "..");
export const FILES = join(import.meta.dirname, "files");
/** Time allowed a test that starts the CLI twice or so: tsx start-up takes seconds on a busy machine. */
export const CLI_BUDGET_MS = 90_000;

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function muckAgent(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(REPO, "agent/cli/main.ts"), ...args],
      { cwd: REPO, env: { ...process.env, MUCK_LOG_LEVEL: "warn" }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ stdout, stderr, exitCode });
      },
    );
  });
}
