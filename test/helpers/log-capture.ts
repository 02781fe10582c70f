/**
 * Routes the agent's structured logs into an array. Child loggers are made when a component is
 * constructed, so install the capture before constructing what you want to observe.
 */
import { pino } from "pino";

import { setRootLogger } from "../../agent/log.js";

export interface LogEntry {
  level: number;
  msg: string;
  component?: string;
  [field: string]: unknown;
}

/** pino's numeric levels, for filtering captured entries. */
export const LEVEL = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export function captureLogs(level: keyof typeof LEVEL = "debug"): LogEntry[] {
  const entries: LogEntry[] = [];
  const sink = { write: (line: string) => void entries.push(JSON.parse(line) as LogEntry) };

  setRootLogger(pino({ level }, sink));
  return entries;
}
