/**
 * A level read from a value file: `0` or `1`, whitespace ignored. That is the format of a sysfs
 * GPIO value file (/sys/class/gpio/gpioN/value) and what the simulator and tests write.
 * A missing file is a disconnected sensor (a harness unplugged, the simulator stopped); any
 * other content is unreadable, except a single empty read (see below). Writers that want no
 * doubt write a temporary file and rename it over the value file.
 */
import { readFile } from "node:fs/promises";
import type { LevelReading, LevelSource } from "./contracts.js";

const MAX_SHOWN_CHARS = 20;

export class ValueFileSource implements LevelSource {
  private lastLevel: LevelReading | undefined;
  private emptyReads = 0;

  constructor(readonly address: string) {}

  async read(): Promise<LevelReading> {
    let text: string;
    try {
      text = await readFile(this.address, "latin1");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      if (code === "ENOENT")
        return { ok: false, kind: "disconnected", detail: `${this.address}: no such file` };
      return { ok: false, kind: "unreadable", detail: `${this.address}: cannot read (${code})` };
    }

    const level = text.trim();
    // `echo 1 > file` truncates before it writes: one empty read is a writer caught mid-write.
    this.emptyReads = level === "" ? this.emptyReads + 1 : 0;
    if (this.emptyReads === 1 && this.lastLevel !== undefined) return this.lastLevel;

    if (level === "0" || level === "1") {
      this.lastLevel = { ok: true, high: level === "1" };
      return this.lastLevel;
    }
    return {
      ok: false,
      kind: "unreadable",
      detail: `${this.address}: expected 0 or 1, found ${shown(level)}`,
    };
  }

  async close(): Promise<void> {}
}

function shown(text: string): string {
  const json = JSON.stringify(text);
  return json.length <= MAX_SHOWN_CHARS ? json : `${json.slice(0, MAX_SHOWN_CHARS - 1)}…`;
}
