/**
 * The recording format of `muck-agent record` (read back by `muck-agent sim --recording`): raw
 * serial bytes as they arrived, each chunk with its monotonic receive time, so a replay
 * reproduces the devices' rhythm — bursts, gaps, chunk boundaries — and every byte, garbage and
 * line endings included. NDJSON, one JSON object a line:
 *
 *   {"format":"muck-recording","version":1,"startedAt":"2026-12-03T19:00:00.000Z",
 *    "ports":{"gps":{"path":"/dev/serial/by-id/…","baudRate":9600},"scale":{…}}}   header, first line
 *   {"t":1234.567,"port":"gps","data":"JEdOUk1DLC4uLg0K"}    bytes: t = ms since the start, base64
 *   {"t":5000.1,"port":"gps","event":"closed","error":"…"}   the device went away (unplugged)
 *   {"t":7000.2,"port":"gps","event":"opened"}              it was opened again
 *   {"t":9000,"end":true,"chunks":{"gps":812},"bytes":{"gps":51234}}       trailer, last line
 *
 * `t` comes from the monotonic clock (a gateway clock stepped by NTP mid-recording does not bend
 * it) and only grows. The trailer is missing when the recorder was killed; the chunks before
 * still play.
 */
import { readFile } from "node:fs/promises";

import { MuckError } from "../agent/errors.js";

export const RECORDING_FORMAT = "muck-recording";
export const RECORDING_VERSION = 1;

export type RecordedPort = "gps" | "scale";

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  startedAt: string;
  ports: Partial<Record<RecordedPort, { path: string; baudRate: number }>>;
}

export type RecordingEntry =
  | { t: number; port: RecordedPort; data: Buffer }
  | { t: number; port: RecordedPort; event: "closed" | "opened"; error?: string };

export interface RecordingTrailer {
  t: number;
  end: true;
  chunks: Partial<Record<RecordedPort, number>>;
  bytes: Partial<Record<RecordedPort, number>>;
}

export interface Recording {
  header: RecordingHeader;
  entries: RecordingEntry[];
  trailer: RecordingTrailer | null;
}

export function headerLine(header: RecordingHeader): string {
  return `${JSON.stringify(header)}\n`;
}

export function entryLine(entry: RecordingEntry): string {
  const t = Math.round(entry.t * 1000) / 1000;
  if ("data" in entry) return `${JSON.stringify({ t, port: entry.port, data: entry.data.toString("base64") })}\n`;
  return `${JSON.stringify({ ...entry, t })}\n`;
}

export function trailerLine(trailer: RecordingTrailer): string {
  return `${JSON.stringify(trailer)}\n`;
}

export async function readRecording(file: string): Promise<Recording> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MuckError("CAPTURE_NOT_FOUND", `cannot read recording ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseRecording(text, file);
}

/** Parses a recording; a bad line is an error naming the file and the line. */
export function parseRecording(text: string, file: string): Recording {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const header = parseLine(lines[0] ?? "", file, 1) as Partial<RecordingHeader>;
  if (header.format !== RECORDING_FORMAT || header.version !== RECORDING_VERSION) {
    throw invalid(file, 1, `not a ${RECORDING_FORMAT} version ${RECORDING_VERSION} header`);
  }

  const entries: RecordingEntry[] = [];
  let trailer: RecordingTrailer | null = null;
  let lastT = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = parseLine(lines[i]!, file, i + 1);
    if (raw.end === true) {
      trailer = raw as unknown as RecordingTrailer;
      continue;
    }
    const entry = toEntry(raw, file, i + 1);
    if (entry.t < lastT) throw invalid(file, i + 1, `time ${entry.t} goes back (previous ${lastT})`);
    lastT = entry.t;
    entries.push(entry);
  }
  return { header: header as RecordingHeader, entries, trailer };
}

function toEntry(raw: Record<string, unknown>, file: string, line: number): RecordingEntry {
  const { t, port, data, event } = raw;
  if (typeof t !== "number" || !(t >= 0)) throw invalid(file, line, `"t" must be milliseconds since the start`);
  if (port !== "gps" && port !== "scale") throw invalid(file, line, `"port" must be "gps" or "scale"`);
  if (typeof data === "string") return { t, port, data: Buffer.from(data, "base64") };
  if (event === "closed" || event === "opened") {
    return typeof raw.error === "string" ? { t, port, event, error: raw.error } : { t, port, event };
  }
  throw invalid(file, line, `neither "data" (base64) nor "event" ("closed" or "opened")`);
}

function parseLine(line: string, file: string, number: number): Record<string, unknown> {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below with the line.
  }
  throw invalid(file, number, "not a JSON object");
}

function invalid(file: string, line: number, reason: string): MuckError {
  return new MuckError("CAPTURE_INVALID", `${file}:${line}: ${reason}`);
}
