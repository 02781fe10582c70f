/**
 * A capture of the digital inputs for `replay --inputs`: raw inputs carry no GPS time, so each
 * change is written with its own, one JSON object a line (NDJSON):
 *
 *   {"t":"2026-03-02T08:00:30.000Z","bodyLift":true}
 *   {"t":"2026-03-02T08:01:35.000Z","bodyLift":false,"cover":true}
 *
 * `t` is ISO-8601 UTC; the other keys are the inputs that changed (bodyLift, cover, ignition),
 * true or false. Lines must be in time order. Empty lines and `#` comments are skipped.
 */
import { existsSync, readFileSync } from "node:fs";
import { INPUT_NAMES, type InputState } from "../drivers/inputs/contracts.js";
import { MuckError } from "./errors.js";

export interface InputsChange {
  atMs: number;
  /** The state of every input after this change. */
  state: InputState;
}

export function readInputsCapture(file: string): InputsChange[] {
  if (!existsSync(file)) throw new MuckError("CAPTURE_NOT_FOUND", `inputs capture not found: ${file}`);

  const changes: InputsChange[] = [];
  let state: InputState = {};
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const line = text.trim();
      if (line === "" || line.startsWith("#")) return;

      const where = `${file}:${i + 1}`;
      const { t, ...inputs } = parseLine(line, where);
      const atMs = typeof t === "string" ? Date.parse(t) : Number.NaN;
      if (Number.isNaN(atMs))
        throw invalid(where, `"t" must be an ISO-8601 time, found ${JSON.stringify(t)}`);
      if (changes.length > 0 && atMs < changes.at(-1)!.atMs)
        throw invalid(where, "lines must be in time order");
      for (const [name, value] of Object.entries(inputs)) {
        if (!(INPUT_NAMES as readonly string[]).includes(name))
          throw invalid(where, `unknown input "${name}" (expected one of ${INPUT_NAMES.join(", ")})`);
        if (typeof value !== "boolean")
          throw invalid(where, `${name} must be true or false, found ${JSON.stringify(value)}`);
      }

      state = { ...state, ...(inputs as InputState) };
      changes.push({ atMs, state });
    });
  return changes;
}

function parseLine(line: string, where: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below with the line
  }
  throw invalid(where, "not a JSON object");
}

function invalid(where: string, message: string): MuckError {
  return new MuckError("CAPTURE_INVALID", `${where}: ${message}`);
}
