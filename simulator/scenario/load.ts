/**
 * Reading a scenario file (YAML, or JSON, which YAML reads too): parse it keeping each node's
 * position, validate it against the schema, and report every problem at once with its file,
 * line, field path, expected and found — the same form as `muck-agent config check`.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { z } from "zod";

import { formatConfigIssue, MuckError, type ConfigIssue } from "../../agent/errors.js";
import { toConfigIssues, valueAt } from "../../config/issues.js";
import { formatPath, type JsonPosition, type PathSegment } from "../../config/json-positions.js";
import { ScenarioSchema, type Scenario } from "./schema.js";

export interface LoadedScenario {
  scenario: Scenario;
  /** The file, resolved; route and zone files are relative to its folder. */
  file: string;
  dir: string;
  /** The file name without folder and extension: the scenario's name in reports. */
  name: string;
}

export interface ScenarioCheck {
  loaded?: LoadedScenario;
  issues: ConfigIssue[];
}

/** Reads and validates a scenario; throws SCENARIO_NOT_FOUND or SCENARIO_INVALID (every problem). */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const check = await checkScenario(file);
  if (check.loaded !== undefined) return check.loaded;

  const head = `${file}: ${check.issues.length} problem${check.issues.length === 1 ? "" : "s"}`;
  throw new MuckError("SCENARIO_INVALID", [head, ...check.issues.map(formatConfigIssue)].join("\n"));
}

export async function checkScenario(file: string): Promise<ScenarioCheck> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MuckError("SCENARIO_NOT_FOUND", `${file}: cannot read the scenario (${(error as Error).message})`, {
      cause: error,
    });
  }
  return checkScenarioText(text, file);
}

export function checkScenarioText(text: string, file: string): ScenarioCheck {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => syntaxIssue(file, error.message, lines.linePos(error.pos[0]).line));
    return { issues };
  }

  const data: unknown = document.toJS();
  const positions = new Map<string, JsonPosition>();
  if (document.contents !== null) indexNode(document.contents as Node, [], positions, lines);

  const parsed = ScenarioSchema.safeParse(data);
  if (!parsed.success) {
    const zodIssues = parsed.error.issues.flatMap((issue) => unwrapUnion(issue, data));
    return { issues: toConfigIssues(zodIssues, { file, schema: ScenarioSchema, data, positions }) };
  }

  const full = resolve(file);
  const name = full.replace(/^.*\//, "").replace(/\.(ya?ml|json)$/, "");
  return { loaded: { scenario: parsed.data, file: full, dir: dirname(full), name }, issues: [] };
}

function syntaxIssue(file: string, message: string, line: number): ConfigIssue {
  const first = message.split("\n")[0]!;
  return { file, path: "", expected: "YAML or JSON", found: "a syntax error", message: first, line };
}

/** Where every key and sequence item starts, under the config issues' path spelling. */
function indexNode(node: Node, path: PathSegment[], out: Map<string, JsonPosition>, lines: LineCounter): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const at = isScalar(pair.key) && pair.key.range !== undefined ? pair.key.range![0] : undefined;
      const childPath = [...path, key];
      if (at !== undefined) out.set(formatPath(childPath), position(lines, at));
      if (pair.value !== null && typeof pair.value === "object") indexNode(pair.value as Node, childPath, out, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const childPath = [...path, index];
      const range = (item as Node).range;
      if (range !== undefined && range !== null) out.set(formatPath(childPath), position(lines, range[0]));
      if (item !== null && typeof item === "object") indexNode(item as Node, childPath, out, lines);
    });
  }
}

function position(lines: LineCounter, offset: number): JsonPosition {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/**
 * A step is a stay or a drive; zod reports a bad one as "matched neither". The step's own key
 * says which it meant, so that branch's issues are the ones worth showing.
 */
function unwrapUnion(issue: z.core.$ZodIssue, data: unknown): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length !== 2) return [issue];

  const value = valueAt(data, issue.path as PathSegment[]);
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const branch = isObject && "stay" in value ? 0 : isObject && "drive" in value ? 1 : -1;
  if (branch < 0) {
    return [{ ...issue, code: "custom", message: "a step needs stay (seconds parked) or drive (places)" } as z.core.$ZodIssue];
  }
  return issue.errors[branch]!.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** Paths inside the scenario (route and zone files) resolve against its folder. */
export function scenarioPath(loaded: LoadedScenario, path: string): string {
  return resolve(loaded.dir, path);
}
