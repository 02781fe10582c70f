/**
 * What a scenario run shows a person: a progress line while it plays (a bar on a terminal, a
 * plain line every tenth otherwise, so a CI log stays readable), and at the end one table row per
 * thing that happened or was claimed — caught (and how late), missed, invented — with a verdict.
 */
import { SingleBar } from "cli-progress";
import Table from "cli-table3";

import type { CompiledScenario } from "./compile.js";
import type { Verdict, VerdictRow } from "./verdict.js";

export interface Progress {
  update(playedS: number, durationS: number, reported: number): void;
  stop(): void;
}

/** A bar on a TTY, else "name: 30% (1080/3600 s of truck time), 12 records" every 10 %. */
export function progressLine(name: string, stream: NodeJS.WriteStream): Progress {
  if (stream.isTTY === true) {
    const bar = new SingleBar({
      stream,
      format: `${name} [{bar}] {percentage}% | {value}/{total} s truck time | {records} records | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    });
    let started = false;
    return {
      update(playedS, durationS, reported) {
        if (!started) bar.start(durationS, 0, { records: 0 });
        started = true;
        bar.update(playedS, { records: reported });
      },
      stop: () => started && bar.stop(),
    };
  }

  let lastTenth = -1;
  return {
    update(playedS, durationS, reported) {
      const tenth = Math.floor((playedS / durationS) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${name}: ${tenth * 10}% (${playedS}/${durationS} s of truck time), ${reported} records\n`);
    },
    stop: () => undefined,
  };
}

const MARK: Record<VerdictRow["outcome"], string> = { caught: "caught", missed: "MISSED", invented: "INVENTED" };

/** The end-of-run table and the verdict line under it. */
export function verdictTable(compiled: CompiledScenario, verdict: Verdict): string {
  const table = new Table({
    head: ["truck time", "what", "outcome", "late", "what really happened", "what the agent reported"],
    style: { head: [], border: [] },
  });
  for (const row of verdict.rows) {
    table.push([clock(row.atS), row.type, MARK[row.outcome], row.lateS === null ? "" : `${row.lateS} s`, truthText(row), agentText(row, compiled)]);
  }
  if (verdict.rows.length === 0) table.push([{ colSpan: 6, content: "nothing happened that the agent should report, and it reported nothing" }]);

  const unscored = Object.entries(verdict.unscored).map(([type, n]) => `${type} ×${n}`);
  const lines = [
    table.toString(),
    `${compiled.name}: ${verdict.caught} caught, ${verdict.missed} missed, ${verdict.invented} invented — ${verdict.passed ? "PASS" : "FAIL"}`,
  ];
  if (unscored.length > 0) lines.push(`also reported (not scored): ${unscored.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

function truthText(row: VerdictRow): string {
  if (row.truth === null) return "nothing";
  const d = row.truth.details;
  const parts = [`${clock(row.truth.startS)}–${clock(row.truth.endS)}`];
  if (typeof d.siteId === "string") parts.push(`at ${d.siteId}`);
  if (typeof d.amountKg === "number") parts.push(`${Math.round(d.amountKg)} kg`);
  if (typeof d.maxSpeedKmh === "number") parts.push(`${Math.round(d.maxSpeedKmh)} km/h on ${d.limitKmh}`);
  if (typeof d.zoneId === "string") parts.push(`in ${d.zoneId}`);
  return parts.join(", ");
}

function agentText(row: VerdictRow, compiled: CompiledScenario): string {
  if (row.reported === null) return "nothing";
  const body = row.reported.record.body;
  const startedS = (Date.parse(String(body.startedAt)) - compiled.timeline.startMs) / 1000;
  return `${body.type} from ${clock(startedS)} (${body.severity}), received at ${clock(row.reported.raisedS)}`;
}

/** Scenario seconds as h:mm:ss of truck time since the start. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return `${hms[0]}:${String(hms[1]).padStart(2, "0")}:${String(hms[2]).padStart(2, "0")}`;
}
