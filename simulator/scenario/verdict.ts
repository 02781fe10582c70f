/**
 * The verdict: what the agent reported set against what really happened. Each truth event is
 * caught (an agent event of the same type, raised after it began and at most `maxLateS` after
 * it was over) or missed; each scored agent event left over was invented. How late: from when the
 * agent could first have known (a load once complete, an episode once begun) to when its report
 * reached the broker's side.
 *
 * Scored are the agent's judgements about the truck — loads, unloads and violations. Fault and
 * bookkeeping events (gps_no_fix, track_gap, gnss_fault, sensor_fault, gaps, zone entries and
 * exits, route returns, an overspeed's end) are counted in the report but not scored: the truth
 * has no opinion on them.
 */
import type { AgentRecord } from "../../agent/contracts.js";
import type { TruthEvent } from "./truth.js";

export const SCORED_TYPES = new Set([
  "load",
  "unauthorized_load",
  "unload",
  "unload_at_origin",
  "illegal_dump",
  "spill",
  "overspeed",
  "route_deviation",
  "no_go_entry",
  "overload",
  "uncovered_transport",
  "outside_hours",
]);

/** How long before the real start a report may come and still be the same thing (time stamps of weights). */
const EARLY_S = 10;

/** An event record as the platform got it, with when it got there in scenario seconds. */
export interface Reported {
  record: AgentRecord;
  raisedS: number;
}

export type Outcome = "caught" | "missed" | "invented";

export interface VerdictRow {
  outcome: Outcome;
  type: string;
  /** Seconds from the start when it began (truth's, or the agent's for an invented one). */
  atS: number;
  /** Caught: seconds from when the agent could first know it (truth's dueS) to the report. */
  lateS: number | null;
  truth: TruthEvent | null;
  reported: Reported | null;
}

export interface Verdict {
  rows: VerdictRow[];
  caught: number;
  missed: number;
  invented: number;
  /** Agent events not scored, by type. */
  unscored: Record<string, number>;
  passed: boolean;
}

export function judge(truth: TruthEvent[], reported: Reported[], startMs: number, maxLateS: number): Verdict {
  const scored = reported.filter((r) => isScored(r.record));
  const startOf = (r: Reported) => (Date.parse(String(r.record.body.startedAt ?? r.record.gpsTime)) - startMs) / 1000;
  const used = new Set<Reported>();
  const rows: VerdictRow[] = [];

  for (const event of truth) {
    const match = scored.find(
      (r) =>
        !used.has(r) &&
        r.record.body.type === event.type &&
        r.raisedS >= event.startS - EARLY_S &&
        r.raisedS <= event.endS + maxLateS,
    );
    if (match === undefined) {
      rows.push({ outcome: "missed", type: event.type, atS: event.startS, lateS: null, truth: event, reported: null });
      continue;
    }
    used.add(match);
    const lateS = Math.max(0, Math.round(match.raisedS - event.dueS));
    rows.push({ outcome: "caught", type: event.type, atS: event.startS, lateS, truth: event, reported: match });
  }
  for (const r of scored.filter((r) => !used.has(r))) {
    rows.push({ outcome: "invented", type: String(r.record.body.type), atS: startOf(r), lateS: null, truth: null, reported: r });
  }
  rows.sort((a, b) => a.atS - b.atS);

  const count = (outcome: Outcome) => rows.filter((row) => row.outcome === outcome).length;
  const unscored: Record<string, number> = {};
  for (const r of reported.filter((r) => !isScored(r.record))) {
    const phase = (r.record.body.details as { phase?: string } | undefined)?.phase;
    const type = `${String(r.record.body.type)}${phase === undefined ? "" : ` (${phase})`}`;
    unscored[type] = (unscored[type] ?? 0) + 1;
  }
  const missed = count("missed");
  const invented = count("invented");
  return { rows, caught: count("caught"), missed, invented, unscored, passed: missed === 0 && invented === 0 };
}

function isScored(record: AgentRecord): boolean {
  if (record.kind !== "event" || !SCORED_TYPES.has(String(record.body.type))) return false;
  // An overspeed episode is one thing with two records; its start is the report.
  const phase = (record.body.details as { phase?: string } | undefined)?.phase;
  return record.body.type !== "overspeed" || phase !== "end";
}
