/**
 * `muck-agent scenario`: drive a simulated truck from a scenario file and see whether the agent
 * caught what it should.
 *
 *   scenario run FILE    play it end to end (ptys, the agent, a broker, a subscriber), print the
 *                        verdict table; exit 0 when every violation was caught and nothing was
 *                        invented, 1 when something was missed or invented, 2 when it could not run
 *   scenario check FILE  validate the file, print every problem with its line (exit 1), or what
 *                        the scenario holds
 *   scenario list        the library shipped in simulator/scenarios/
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Command, InvalidArgumentError, Option } from "commander";

import { compileScenario, truthLines, type CompiledScenario } from "../../simulator/scenario/compile.js";
import { libraryFile, libraryNames } from "../../simulator/scenario/library.js";
import { checkScenario, loadScenario } from "../../simulator/scenario/load.js";
import { replayScenario } from "../../simulator/scenario/replay.js";
import { progressLine, verdictTable } from "../../simulator/scenario/report.js";
import { runScenario } from "../../simulator/scenario/run.js";
import { judge, type Reported, type Verdict } from "../../simulator/scenario/verdict.js";
import { formatConfigIssue } from "../errors.js";
import { LOG_LEVELS, setLogLevel, type LogLevel } from "../log.js";

interface RunOptions {
  speedFactor: number;
  seed?: number;
  url?: string;
  out?: string;
  replay: boolean;
  logLevel: LogLevel;
  progress: boolean;
}

export function scenarioCommand(): Command {
  return new Command("scenario")
    .description("drive a simulated truck from a scenario file and judge the agent against what really happened")
    .addCommand(runSubcommand())
    .addCommand(
      new Command("check")
        .description("validate a scenario file: every problem with file, line and field (exit 1), else a summary")
        .argument("<file>", "scenario file (YAML or JSON)")
        .action(check),
    )
    .addCommand(new Command("list").description("the scenario library (simulator/scenarios/)").action(list));
}

function runSubcommand(): Command {
  return new Command("run")
    .description(
      "play a scenario end to end — virtual serial devices, the real agent, a broker, a subscriber — and print " +
        "what the agent caught, missed or invented; exit 0 pass, 1 missed or invented, 2 could not run",
    )
    .argument("<file>", "scenario file (YAML or JSON), or the name of a library scenario")
    .option("--speed-factor <n>", "play N times faster than real time", positive, 1)
    .option("--seed <n>", "seed for every noise source (default: the file's seed)", integer)
    .option("--url <url>", "use this MQTT broker instead of an embedded one (mqtt://host:port)")
    .option("--out <dir>", "write truth.ndjson, records.ndjson and verdict.json there (with --replay also the streams)")
    .option("--replay", "judge the agent's pipeline over the scenario's bytes as files: no ptys, no broker, instant", false)
    .addOption(new Option("--log-level <level>", "the agent's log level (JSON logs on stderr)").choices(LOG_LEVELS).default("warn"))
    .option("--no-progress", "no progress line")
    .action(run);
}

async function run(file: string, opts: RunOptions): Promise<void> {
  setLogLevel(opts.logLevel);
  const compiled = await compileScenario(await loadScenario(resolveName(file)), opts.seed);

  const { received, verdict } = opts.replay ? await replayed(compiled, opts.out) : await live(compiled, opts);
  process.stdout.write(verdictTable(compiled, verdict));
  if (opts.out !== undefined) await writeOutputs(opts.out, compiled, received, verdict);
  process.exitCode = verdict.passed ? 0 : 1;
}

async function live(compiled: CompiledScenario, opts: RunOptions): Promise<{ received: Reported[]; verdict: Verdict }> {
  const progress = opts.progress ? progressLine(compiled.name, process.stderr) : null;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await runScenario(compiled, {
      speedFactor: opts.speedFactor,
      brokerUrl: opts.url,
      logLevel: opts.logLevel,
      signal: stop.signal,
      onProgress: (playedS, durationS, reported) => progress?.update(playedS, durationS, reported),
    });
  } finally {
    progress?.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Over files; with `out`, the files stay there (gps.nmea, scale.txt, inputs.ndjson, zones, config). */
async function replayed(compiled: CompiledScenario, out: string | undefined): Promise<{ received: Reported[]; verdict: Verdict }> {
  if (out !== undefined) await mkdir(out, { recursive: true });
  const dir = out ?? (await mkdtemp(join(tmpdir(), `muck-scenario-${compiled.name}-`)));
  try {
    const received = await replayScenario(compiled, dir);
    const events = received.filter((r) => r.record.kind === "event");
    return { received, verdict: judge(compiled.truth, events, compiled.timeline.startMs, compiled.scenario.verdict.maxLateS) };
  } finally {
    if (out === undefined) await rm(dir, { recursive: true, force: true });
  }
}

async function writeOutputs(dir: string, compiled: CompiledScenario, received: Reported[], verdict: Verdict): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "truth.ndjson"), truthLines(compiled));
  await writeFile(join(dir, "records.ndjson"), received.map((r) => `${JSON.stringify(r.record)}\n`).join(""));
  const rows = verdict.rows.map((row) => ({
    outcome: row.outcome,
    type: row.type,
    atS: row.atS,
    lateS: row.lateS,
    truth: row.truth,
    recordId: row.reported?.record.id ?? null,
  }));
  const summary = { scenario: compiled.name, passed: verdict.passed, caught: verdict.caught, missed: verdict.missed, invented: verdict.invented };
  await writeFile(join(dir, "verdict.json"), `${JSON.stringify({ ...summary, unscored: verdict.unscored, rows }, null, 1)}\n`);
}

async function check(file: string): Promise<void> {
  const { loaded, issues } = await checkScenario(resolveName(file));
  if (loaded === undefined) {
    for (const issue of issues) process.stdout.write(`${formatConfigIssue(issue)}\n`);
    process.stdout.write(`${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n`);
    process.exitCode = 1;
    return;
  }
  const compiled = await compileScenario(loaded);
  const truth = compiled.truth.map((event) => event.type).join(", ") || "nothing to report";
  process.stdout.write(`${file}: ok — ${compiled.durationS} s of truck time, ${compiled.scenario.steps.length} steps; truth: ${truth}\n`);
}

async function list(): Promise<void> {
  for (const name of libraryNames()) {
    const { scenario } = await loadScenario(libraryFile(name));
    process.stdout.write(`${name.padEnd(24)} ${scenario.description}\n`);
  }
}

/** A bare name (no slash, no extension) is a library scenario. */
function resolveName(file: string): string {
  return /[/.]/.test(file) ? file : libraryFile(file);
}

function positive(text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new InvalidArgumentError("must be a positive number");
  return value;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new InvalidArgumentError("must be a whole number");
  return value;
}
