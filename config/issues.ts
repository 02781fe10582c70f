/**
 * Turning zod's validation issues into config issues a person can act on: the field path, what
 * was expected, what the file actually holds, the line, and for a misspelt key the key it most
 * likely meant.
 */
import type { z } from "zod";
import type { ConfigIssue } from "../agent/errors.js";
import { formatPath, type JsonPosition, type PathSegment } from "./json-positions.js";
import { keysAt } from "./schema-walk.js";

const FOUND_MAX_CHARS = 60;
const SUGGEST_MAX_DISTANCE = 2;
// Never echo a secret into a terminal or a CI log.
const SECRET_KEYS = new Set(["password"]);
const URL_PASSWORD = /(\/\/[^/@:]*:)[^/@]*@/;

export interface IssueContext {
  file: string;
  schema: z.ZodType;
  /** The parsed JSON document. */
  data: unknown;
  /** Where each path sits in the file, from indexJsonPositions. */
  positions: Map<string, JsonPosition>;
}

/** One config issue per zod issue (one per key for unknown keys), in file order. */
export function toConfigIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  context: IssueContext,
): ConfigIssue[] {
  const located = zodIssues.flatMap((issue) => {
    const path = issue.path.filter(
      (segment): segment is PathSegment => typeof segment !== "symbol",
    );
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => unknownKeyIssue(path, key, context));
    }
    return [fieldIssue(issue, path, context)];
  });

  // Unlocated issues go last; issues at one spot keep zod's order (the sort is stable).
  located.sort((a, b) => compare(a.position, b.position));
  return located.map(({ issue }) => issue);
}

interface LocatedIssue {
  issue: ConfigIssue;
  position: JsonPosition | undefined;
}

function compare(a: JsonPosition | undefined, b: JsonPosition | undefined): number {
  if (a === undefined || b === undefined)
    return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return a.line - b.line || a.column - b.column;
}

function unknownKeyIssue(parent: PathSegment[], key: string, context: IssueContext): LocatedIssue {
  const path = formatPath([...parent, key]);
  const known = keysAt(context.schema, parent);
  const suggestion = closest(key, known);
  const where = parent.length === 0 ? "at the top level" : `in ${formatPath(parent)}`;
  const position = positionOf([...parent, key], context.positions);

  const issue: ConfigIssue = {
    file: context.file,
    path,
    expected: suggestion === undefined ? `one of ${known.join(", ")}` : JSON.stringify(suggestion),
    found: JSON.stringify(key),
    message:
      suggestion === undefined
        ? `unknown option ${JSON.stringify(key)} ${where}`
        : `unknown option ${JSON.stringify(key)} ${where}; did you mean ${JSON.stringify(suggestion)}?`,
    line: position?.line,
  };
  return { issue, position };
}

function fieldIssue(
  zodIssue: z.core.$ZodIssue,
  path: PathSegment[],
  context: IssueContext,
): LocatedIssue {
  const value = valueAt(context.data, path);
  const missing = value === undefined && path.length > 0;
  const position = positionOf(path, context.positions);

  const issue: ConfigIssue = {
    file: context.file,
    path: formatPath(path),
    expected: expectedOf(zodIssue),
    found: missing ? "nothing" : render(value, path),
    message: missing ? "required option is missing" : messageOf(zodIssue),
    line: position?.line,
  };
  return { issue, position };
}

/** What the schema wanted, in words, from the issue's own details. */
function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "integer" : issue.expected;
    case "invalid_value":
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
      return boundText(issue.origin, issue.inclusive ? "at least" : "more than", issue.minimum);
    case "too_big":
      return boundText(issue.origin, issue.inclusive ? "at most" : "less than", issue.maximum);
    case "invalid_format":
      return issue.pattern === undefined
        ? `a valid ${issue.format}`
        : `text matching ${issue.pattern}`;
    case "not_multiple_of":
      return `a multiple of ${issue.divisor}`;
    case "custom": {
      const expected = (issue.params as { expected?: unknown } | undefined)?.expected;
      return typeof expected === "string" ? expected : "a valid value";
    }
    default:
      return "a valid value";
  }
}

const RELATION_SYMBOL: Record<string, string> = {
  "at least": ">=",
  "more than": ">",
  "at most": "<=",
  "less than": "<",
};

function boundText(origin: string, relation: string, bound: number | bigint): string {
  if (origin === "string") return `${relation} ${bound} characters`;
  if (origin === "array" || origin === "set") return `${relation} ${bound} items`;
  return `${RELATION_SYMBOL[relation] ?? relation} ${bound}`;
}

function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "not a whole number" : "wrong type";
    case "invalid_value":
      return "not an allowed value";
    case "too_small":
      return "too small";
    case "too_big":
      return "too big";
    default:
      return issue.message;
  }
}

/** The value at a zod issue's path in the parsed document, or undefined where the path leaves it. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function render(value: unknown, path: readonly PathSegment[]): string {
  const key = String(path.at(-1));
  if (SECRET_KEYS.has(key)) return "(hidden)";

  let json = JSON.stringify(value) ?? String(value);
  if (key === "url") json = json.replace(URL_PASSWORD, "$1(hidden)@");
  return json.length <= FOUND_MAX_CHARS ? json : `${json.slice(0, FOUND_MAX_CHARS - 1)}…`;
}

/** Where the field is, or its nearest ancestor present in the file. */
function positionOf(
  path: readonly PathSegment[],
  positions: Map<string, JsonPosition>,
): JsonPosition | undefined {
  for (let length = path.length; length >= 0; length--) {
    const position = positions.get(formatPath(path.slice(0, length)));
    if (position !== undefined) return position;
  }
  return undefined;
}

/** The known key nearest to `key`, when it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = SUGGEST_MAX_DISTANCE + 1;
  for (const candidate of known) {
    // Case slips (baudrate / baudRate) are the commonest typo; compare them as one edit at most.
    const distance = Math.min(
      editDistance(key, candidate),
      editDistance(key.toLowerCase(), candidate.toLowerCase()) + 1,
    );
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
