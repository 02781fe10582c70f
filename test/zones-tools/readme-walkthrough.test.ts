/**
 * The README's operator walkthrough, run as written: its shell block in a scratch folder (with
 * `test/` linked in, so its paths hold), `muck-agent` being the CLI from these sources. Every
 * output line the README shows must be in what the commands print, and the map must render.
 */
import { execFile } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { REPO } from "./cli.js";

const HEADING = "### The fleet operator's walkthrough";
// Five CLI starts through tsx; on a loaded two-core machine each takes seconds. A budget, not a measurement.
const WALKTHROUGH_BUDGET_MS = 180_000;

let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir("muck-walkthrough-");
  symlinkSync(join(REPO, "test"), join(dir.path, "test"));
});
afterAll(() => dir.remove());

function walkthroughBlock(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(HEADING));
  const match = /```sh\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error(`README: no sh block after "${HEADING}"`);
  return match[1]!;
}

function runBash(script: string): Promise<{ stdout: string; stderr: string; code: number }> {
  const cli = `muck-agent() { node --import "${REPO}/node_modules/tsx/dist/loader.mjs" "${REPO}/agent/cli/main.ts" "$@"; }`;
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-c", `set -euo pipefail\n${cli}\n${script}`],
      {
        cwd: dir.path,
        env: { ...process.env, MUCK_LOG_LEVEL: "warn" },
      },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error === null ? 0 : Number(error.code) }),
    );
  });
}

describe("the README's zone walkthrough", () => {
  it(
    "runs as written and prints what the README shows",
    async () => {
      const block = walkthroughBlock();
      const run = await runBash(block);
      expect(run.code, run.stderr).toBe(0);

      // `#   …/file: text` lines are output; the parts between the ellipses must appear as printed.
      const shown = block
        .split("\n")
        .filter((line) => line.startsWith("#   ") && !line.includes("│"));
      expect(shown.length).toBeGreaterThan(3);
      for (const line of shown) {
        for (const part of line
          .slice(4)
          .split("…")
          .map((text) => text.trim())
          .filter(Boolean)) {
          expect(run.stdout, line).toContain(part);
        }
      }

      const zones = JSON.parse(readFileSync(join(dir.path, "zones.geojson"), "utf8"));
      expect(zones.features).toHaveLength(8);
      expect(readFileSync(join(dir.path, "events.ndjson"), "utf8").trim().split("\n")).toHaveLength(
        5,
      );
      const png = readFileSync(join(dir.path, "map.png"));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect(png.length).toBeGreaterThan(20_000);
    },
    WALKTHROUGH_BUDGET_MS,
  );
});
