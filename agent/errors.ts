/**
 * The agent's error classes. Every error carries a stable `code` (listed in the README) that
 * tests and callers match on; the message names what was wrong and where (file, field, line,
 * device path).
 */

export type ErrorCode =
  | "CONFIG_NOT_FOUND"
  | "CONFIG_NOT_JSON"
  | "CONFIG_INVALID"
  | "CAPTURE_NOT_FOUND"
  | "CAPTURE_INVALID"
  | "STORE_LOCKED"
  | "STORE_UNUSABLE"
  | "ZONES_NOT_FOUND"
  | "ZONES_NOT_JSON"
  | "ZONES_INVALID"
  | "IMPORT_INVALID"
  | "USAGE"
  | "DEVICE_UNAVAILABLE"
  | "SECRET_EXPOSED"
  | "SECRET_UNREADABLE"
  | "INSTALL_FAILED"
  | "STATUS_UNAVAILABLE"
  | "BUNDLE_INVALID"
  | "KEY_UNUSABLE"
  | "PUSH_FAILED"
  | "SCENARIO_NOT_FOUND"
  | "SCENARIO_INVALID"
  | "IDENTITY_EXISTS"
  | "IDENTITY_NOT_FOUND"
  | "IDENTITY_KEY_UNSAFE"
  | "IDENTITY_KEY_INVALID"
  | "KEYS_INVALID"
  | "RECORDS_INVALID";

export class MuckError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MuckError";
    this.code = code;
  }
}

/** One problem found in a config file: where it is, what was expected, what was found. */
export interface ConfigIssue {
  file: string;
  /** Dotted field path, e.g. `gps.baudRate` or `zones[3].radiusM`; empty for the whole file. */
  path: string;
  expected: string;
  found: string;
  message: string;
  /** 1-based line in the file, when the field could be located. */
  line?: number;
}

export class ConfigError extends MuckError {
  readonly issues: ConfigIssue[];

  constructor(file: string, issues: ConfigIssue[]) {
    const head = `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    super("CONFIG_INVALID", [head, ...issues.map(formatConfigIssue)].join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const field = issue.path === "" ? "(file)" : issue.path;
  return `${where}: ${field}: ${issue.message} (expected ${issue.expected}, found ${issue.found})`;
}
