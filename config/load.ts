/**
 * Loading the config file: read it, parse it as JSON, validate it against the schema, and
 * report every problem at once with its file, field path, line, expected and found value, so
 * one edit round fixes them all.
 *
 *   loadConfig   for the agent: the config, or an error with a stable code
 *                (CONFIG_NOT_FOUND, CONFIG_NOT_JSON, CONFIG_INVALID).
 *   checkConfig  for `config check`: the config and/or the issues, never throwing for a bad file.
 */
import { readFile } from "node:fs/promises";
import { ConfigError, MuckError, type ConfigIssue, type ErrorCode } from "../agent/errors.js";
import { logger } from "../agent/log.js";
import { toConfigIssues } from "./issues.js";
import { indexJsonPositions, JsonSyntaxError, type JsonPosition } from "./json-positions.js";
import { AgentConfigSchema, type AgentConfig } from "./schema.js";

export interface ConfigCheck {
  /** Present only when there are no issues. */
  config?: AgentConfig;
  issues: ConfigIssue[];
}

interface Examined extends ConfigCheck {
  /** Why the file failed, when it did. */
  code?: ErrorCode;
  cause?: unknown;
}

/** Read and validate a config file; throws MuckError (not found / not JSON) or ConfigError. */
export async function loadConfig(file: string): Promise<AgentConfig> {
  const result = await examine(file);

  if (result.config !== undefined) {
    logger("config").debug({ file }, "config loaded");
    return result.config;
  }
  if (result.code === "CONFIG_INVALID") throw new ConfigError(file, result.issues);

  // Not found or not JSON: a single file-level issue says what and where.
  const first = result.issues[0];
  const where = first?.line === undefined ? file : `${file}:${first.line}`;
  const message = `${where}: ${first?.message ?? "unusable config"}`;
  throw new MuckError(result.code ?? "CONFIG_INVALID", message, { cause: result.cause });
}

/** Validate a config file and report every issue, including a missing file or broken JSON. */
export async function checkConfig(file: string): Promise<ConfigCheck> {
  const { config, issues } = await examine(file);
  return config === undefined ? { issues } : { config, issues };
}

async function examine(file: string): Promise<Examined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { code: "CONFIG_NOT_FOUND", cause: error, issues: [unreadableIssue(file, error)] };
  }

  // Editors on Windows save a byte-order mark, which JSON.parse rejects; it is not content.
  text = text.replace(/^\uFEFF/, "");

  let positions: Map<string, JsonPosition>;
  try {
    positions = indexJsonPositions(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { code: "CONFIG_NOT_JSON", cause: error, issues: [syntaxIssue(file, error)] };
  }

  const data: unknown = JSON.parse(text);
  const result = AgentConfigSchema.safeParse(data);
  if (result.success) return { config: result.data, issues: [] };

  const issues = toConfigIssues(result.error.issues, {
    file,
    schema: AgentConfigSchema,
    data,
    positions,
  });
  return { code: "CONFIG_INVALID", cause: result.error, issues };
}

function unreadableIssue(file: string, error: unknown): ConfigIssue {
  const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
  return {
    file,
    path: "",
    expected: "a readable JSON file",
    found: code,
    message: code === "ENOENT" ? "config file not found" : `cannot read the config file (${code})`,
  };
}

function syntaxIssue(file: string, error: JsonSyntaxError): ConfigIssue {
  return {
    file,
    path: "",
    expected: "valid JSON",
    found: error.near,
    message: `not valid JSON: ${error.reason} (line ${error.line}, column ${error.column})`,
    line: error.line,
  };
}
