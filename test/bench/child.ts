/** Runs a benchmark child script (memory, startup) in a fresh Node process and reads its JSON. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export async function runChild<T>(script: "memory-child" | "startup-child", args: string[]): Promise<T> {
  // Same file kind as this one (.ts under tsx, .js in the build), same loader flags.
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const file = fileURLToPath(new URL(`./${script}${extension}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, file, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MUCK_LOG_LEVEL: process.env.MUCK_LOG_LEVEL ?? "error" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`benchmark child ${script} exited with ${code}: ${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
}
