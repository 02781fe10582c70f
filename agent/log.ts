/**
 * Structured, leveled logging for the agent: JSON lines on stderr, so stdout stays free for a
 * command's own output (NDJSON fixes, records, reports). One child logger per component.
 */
import { pino, type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let root: Logger = createRootLogger(process.env.MUCK_LOG_LEVEL ?? "info");

function createRootLogger(level: string): Logger {
  const safeLevel = (LOG_LEVELS as readonly string[]).includes(level) ? level : "info";
  return pino({ level: safeLevel, base: { app: "muck-agent" } }, pino.destination(2));
}

/** Replace the root logger's level (from the config file or `--log-level`). */
export function setLogLevel(level: LogLevel): void {
  root.level = level;
}

/** A child logger for one component: `gps`, `scale`, `outbox`, `uplink`, `config`, … */
export function logger(component: string): Logger {
  return root.child({ component });
}

/** Tests and embedding code can route logs elsewhere. */
export function setRootLogger(next: Logger): void {
  root = next;
}
