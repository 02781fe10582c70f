/**
 * What LevelDB does not tell: records it dropped while replaying its write-ahead log at open.
 *
 * LevelDB's log is a sequence of 32 KiB blocks of physical records (7-byte header: checksum(4),
 * length(2, little-endian), type(1): 1 full, 2 first, 3 middle, 4 last). At open it replays the
 * log and silently ignores a record cut off at the end of the file — a *torn tail*, what a power
 * cut or a kill between two writes of one batch leaves — and drops records whose checksum fails,
 * noting it only in its own `LOG` file ("dropping … bytes"). Both mean records that were in the
 * log are gone; the agent must say so (an `outbox_lost` event) rather than carry on silently.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const BLOCK = 32 * 1024;
const HEADER = 7;

/** A description of a log file cut inside a record, or null when every log ends cleanly. */
export function tornLogTail(folder: string): string | null {
  if (!existsSync(folder)) return null;
  for (const name of readdirSync(folder).filter((f) => f.endsWith(".log")).sort()) {
    const bytes = readFileSync(join(folder, name));
    const cut = firstCut(bytes);
    if (cut !== null) return `${name}: record cut off at byte ${cut} of ${bytes.length}`;
  }
  return null;
}

/** Offset of a physical record that runs past the end of the file, or a batch left unfinished. */
function firstCut(bytes: Buffer): number | null {
  let offset = 0;
  let open = false; // inside a first…last fragment chain
  while (offset < bytes.length) {
    const leftInBlock = BLOCK - (offset % BLOCK);
    if (leftInBlock < HEADER) {
      offset += leftInBlock; // block trailer: zero padding
      continue;
    }
    if (offset + HEADER > bytes.length) return offset;

    const length = bytes.readUInt16LE(offset + 4);
    const type = bytes[offset + 6]!;
    if (type === 0 && length === 0) return open ? offset : null; // zero fill: nothing more was written
    if (offset + HEADER + length > bytes.length) return offset;

    if (type === 2) open = true;
    if (type === 1 || type === 4) open = false;
    offset += HEADER + length;
  }
  return open ? offset : null;
}

/** LevelDB's own note that it dropped log records during this open (its LOG file). */
export function droppedAtOpen(folder: string): string | null {
  const file = join(folder, "LOG");
  if (!existsSync(file)) return null;
  const line = readFileSync(file, "utf8").split("\n").find((l) => /dropping \d+ bytes/.test(l));
  return line === undefined ? null : line.replace(/^\S+ \S+ /, "");
}
