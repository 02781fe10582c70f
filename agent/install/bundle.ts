/**
 * `npm run bundle`: the offline bundle for gateways — one tarball with the built agent and its
 * production dependencies, native binaries for linux x64, arm64 and armv7 included, so a gateway
 * with Node.js 20 and no network installs it with `tar` alone.
 *
 *   npx tsx agent/install/bundle.ts [--out DIR]        (default DIR: dist/)
 *   npx tsx agent/install/bundle.ts --check FILE        only list and check a tarball's binaries
 *
 * The dependencies are this checkout's node_modules pruned of dev packages (npm prune --offline),
 * so the bundle holds exactly the versions of package-lock.json that the tests ran against.
 * Exits 1, listing what is missing, when a required binary is not in the tarball.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBundleEntries, tarEntries } from "./bundle-check.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TOP = "muck-agent";

function sh(command: string, args: string[], cwd: string): void {
  // Their chatter goes to stderr: stdout carries the tarball path and the binary list only.
  execFileSync(command, args, { cwd, stdio: ["ignore", 2, 2] });
}

export function buildBundle(outDir: string): string {
  const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
  const stage = join(outDir, "stage");
  const app = join(stage, TOP);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });

  sh("npx", ["tsc", "-p", "tsconfig.json"], REPO);
  for (const part of ["build", "package.json", "package-lock.json", "README.md", "node_modules"]) {
    cpSync(join(REPO, part), join(app, part), { recursive: true, verbatimSymlinks: true });
  }
  cpSync(join(REPO, "config"), join(app, "config"), { recursive: true, filter: (src) => !src.endsWith(".ts") });
  sh("npm", ["prune", "--omit=dev", "--offline", "--no-audit", "--no-fund"], app);
  // Every command is imported at start: a production import of a dev package fails right here.
  sh(process.execPath, [join(app, "build/agent/cli/main.js"), "--version"], app);

  const tarball = join(outDir, `muck-agent-${version}-linux.tar.gz`);
  sh("tar", ["-czf", tarball, "--owner=0", "--group=0", "-C", stage, TOP], REPO);
  rmSync(stage, { recursive: true, force: true });
  return tarball;
}

/** Prints the required binaries found and missing; true when none is missing. */
export function reportBinaries(tarball: string): boolean {
  const { found, missing } = checkBundleEntries(tarEntries(tarball));
  for (const f of found) process.stdout.write(`ok       ${f.arch.padEnd(12)} ${f.label.padEnd(26)} ${f.entry}\n`);
  for (const m of missing) process.stdout.write(`MISSING  ${m.arch.padEnd(12)} ${m.label.padEnd(26)} ${m.path}\n`);
  return missing.length === 0;
}

function main(argv: string[]): void {
  const checkAt = argv.indexOf("--check");
  const outAt = argv.indexOf("--out");
  const tarball = checkAt >= 0 ? resolve(argv[checkAt + 1]!) : buildBundle(resolve(outAt >= 0 ? argv[outAt + 1]! : join(REPO, "dist")));
  process.stdout.write(`${tarball}\n`);
  if (!reportBinaries(tarball)) {
    process.stderr.write("bundle: required native binaries are missing (listed above)\n");
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
