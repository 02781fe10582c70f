/**
 * `npm run bench`: the agent against its baselines, in one run on this machine (issue 7). Starts
 * Debian's mosquitto on a free port on 127.0.0.1, runs the rows, stops it, prints a table and
 * writes the same figures as JSON. Not a test: nothing here passes or fails the build; a missed
 * target is printed as missed.
 *
 *   npm run bench [-- --quick] [-- --only 2,5] [-- --out bench-results.json]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import Table from "cli-table3";
import { setLogLevel, type LogLevel } from "../../agent/log.js";
import { AGENT_VERSION } from "../../agent/version.js";
import { startMosquitto, mosquittoPresent } from "../mqtt/mosquitto.js";
import type { BenchOptions, RowResult } from "./measure.js";
import { ingestRow } from "./rows/ingest.js";
import { cpuRow } from "./rows/cpu.js";
import { zonesRow } from "./rows/zones.js";
import { outboxRow } from "./rows/outbox.js";
import { drainRows } from "./rows/drain.js";
import { memoryRow } from "./rows/memory.js";
import { bytesRow } from "./rows/bytes.js";
import { startupRow } from "./rows/startup.js";

const ROWS: Array<{ id: string; run: (options: BenchOptions) => Promise<RowResult | RowResult[]> }> = [
  { id: "1", run: ingestRow },
  { id: "2", run: cpuRow },
  { id: "3", run: zonesRow },
  { id: "4", run: outboxRow },
  { id: "5", run: drainRows },
  { id: "6", run: memoryRow },
  { id: "7", run: bytesRow },
  { id: "8", run: startupRow },
];

const program = new Command("bench")
  .description("muck-agent benchmark: the agent against its baselines, in one run")
  .option("--quick", "smaller workloads (a tenth or so), for a first look; figures are noisier", false)
  .option("--only <rows>", "comma-separated rows to run, e.g. 2,5 (default: all)")
  .option("--out <file>", "where to write the JSON results", "bench-results.json")
  .parse();
const opts = program.opts<{ quick: boolean; only?: string; out: string }>();

function format(value: number | null): string {
  if (value === null) return "—";
  return value >= 100 ? Math.round(value).toLocaleString("en") : value.toPrecision(3);
}

async function main(): Promise<number> {
  if (!mosquittoPresent) {
    process.stderr.write("bench: mosquitto not found: apt-get install mosquitto\n");
    return 2;
  }
  setLogLevel((process.env.MUCK_LOG_LEVEL as LogLevel | undefined) ?? "error");
  const only = opts.only?.split(",").map((id) => id.trim());
  const selected = ROWS.filter((row) => only === undefined || only.includes(row.id));

  const scratchRoot = mkdtempSync(join(tmpdir(), "muck-bench-"));
  const broker = await startMosquitto();
  const results: RowResult[] = [];
  const loadAverageAtStart = loadavg();
  const started = performance.now();
  try {
    for (const row of selected) {
      const scratch = mkdtempSync(join(scratchRoot, `row${row.id}-`));
      process.stderr.write(`bench: row ${row.id} …\n`);
      const rowStarted = performance.now();
      const out = await row.run({ quick: opts.quick, brokerUrl: broker.url, brokerPort: broker.port, scratch });
      for (const result of [out].flat()) results.push(result);
      process.stderr.write(`bench: row ${row.id} done in ${((performance.now() - rowStarted) / 1000).toFixed(1)} s\n`);
      rmSync(scratch, { recursive: true, force: true });
    }
  } finally {
    await broker.stop();
    rmSync(scratchRoot, { recursive: true, force: true });
  }

  const table = new Table({ head: ["#", "row", "unit", "agent", "baseline", "ratio", "target", "met"] });
  for (const r of results) {
    table.push([r.id, r.name, r.unit, format(r.agent), format(r.baseline), format(r.ratio), r.target, r.met ? "met" : "MISSED"]);
  }
  process.stdout.write(`${table.toString()}\n`);

  const report = {
    date: new Date().toISOString(),
    agentVersion: AGENT_VERSION,
    quick: opts.quick,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg(),
    durationS: (performance.now() - started) / 1000,
    rows: results,
  };
  writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`bench: ${results.filter((r) => r.met).length} of ${results.length} targets met in ${report.durationS.toFixed(0)} s; figures in ${opts.out}\n`);
  return 0;
}

process.exitCode = await main();
