/**
 * Last-known-good bundles on disk: `<dataDir>/ota/fleet.json` and `<dataDir>/ota/truck.json`,
 * each the exact text of the last bundle of its channel that was applied. The agent starts from
 * them with no network. Every file here is written atomically (agent/durable-file.ts), so a power
 * cut leaves the previous contents or the new ones, never half of either.
 *
 * Probation: a bundle just applied is on trial for `ota.probationS`. During the trial
 * `<channel>.trial.json` names it and `<channel>.previous.json` keeps the last bundle of the
 * channel that passed one (absent: there was none). A clean stop or the end of the trial removes
 * both. A trial found open at start means the last run ended during it (agent/ota/probation.ts
 * judges it); rolling back puts the predecessor back and records the bundle in `refused.json`,
 * by its SHA-256, until a different bundle of that channel is applied.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { syncPath, writeFileDurably } from "../durable-file.js";
import type { Channel } from "./bundle.js";

const MODE = 0o640;

/** A bundle on trial. */
export interface Trial {
  channel: Channel;
  version: number;
  sha256: string;
  /** The kernel's boot id when the trial began: tells a power cut from the agent dying. */
  bootId: string | null;
}

/** A bundle a truck will not take again (it did not survive its trial). */
export interface Refusal {
  version: number;
  sha256: string;
  reason: string;
}

export class BundleStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "ota");
  }

  path(channel: Channel): string {
    return join(this.dir, `${channel}.json`);
  }

  /** The stored text, or null when there is none. */
  read(channel: Channel): string | null {
    return readOrNull(this.path(channel));
  }

  /** Stores a bundle, or removes the channel's bundle (null). */
  write(channel: Channel, text: string | null): void {
    this.put(this.path(channel), text);
  }

  /**
   * Stores a new bundle and puts it on trial. The predecessor kept is the last bundle that passed
   * a trial: a bundle replacing one still on trial does not make the unproven one the fallback.
   * Order matters for a cut between two writes: the predecessor, then the trial, then the bundle.
   */
  beginTrial(channel: Channel, version: number, text: string, bootId: string | null): void {
    if (this.trial(channel) === null) this.put(this.previousPath(channel), this.read(channel));
    this.putTrial(channel, { channel, version, sha256: sha256(text), bootId });
    this.write(channel, text);
  }

  /** The bundle passed (its time ran out, or the agent stopped cleanly): it is the one to keep. */
  endTrial(channel: Channel): void {
    this.put(this.trialPath(channel), null);
    this.put(this.previousPath(channel), null);
  }

  /** Applying failed: the stored bundle and the trial as they were before `beginTrial`. */
  revert(channel: Channel, text: string | null, trial: Trial | null): void {
    this.write(channel, text);
    this.putTrial(channel, trial);
    if (trial === null) this.put(this.previousPath(channel), null);
  }

  /**
   * The bundle on trial did not survive it: refused first, then its predecessor back, then the
   * trial closed — a cut anywhere in between leaves the trial open, and the next start does it again.
   */
  rollBack(channel: Channel, reason: string): Trial | null {
    const trial = this.trial(channel);
    if (trial === null) return null;
    this.refuse(channel, { version: trial.version, sha256: trial.sha256, reason });
    this.write(channel, readOrNull(this.previousPath(channel)));
    this.endTrial(channel);
    return trial;
  }

  /** The channel's open trial, or null. */
  trial(channel: Channel): Trial | null {
    return parseOrNull<Trial>(readOrNull(this.trialPath(channel)));
  }

  /** A trial carried over into a new run (after a power cut), with that run's boot id. */
  putTrial(channel: Channel, trial: Trial | null): void {
    this.put(this.trialPath(channel), trial === null ? null : JSON.stringify(trial));
  }

  refusal(channel: Channel): Refusal | null {
    return this.refusals()[channel] ?? null;
  }

  /** Records a refusal, or lifts the channel's (null). */
  refuse(channel: Channel, refusal: Refusal | null): void {
    const refusals = this.refusals();
    if (refusal === null) delete refusals[channel];
    else refusals[channel] = refusal;
    const empty = Object.keys(refusals).length === 0;
    this.put(this.refusedPath, empty ? null : JSON.stringify(refusals));
  }

  private refusals(): Partial<Record<Channel, Refusal>> {
    return parseOrNull<Partial<Record<Channel, Refusal>>>(readOrNull(this.refusedPath)) ?? {};
  }

  private previousPath(channel: Channel): string {
    return join(this.dir, `${channel}.previous.json`);
  }

  private trialPath(channel: Channel): string {
    return join(this.dir, `${channel}.trial.json`);
  }

  private get refusedPath(): string {
    return join(this.dir, "refused.json");
  }

  /** Writes or removes (null) a file, durably either way: a removal undone by a cut would reopen a trial. */
  private put(file: string, text: string | null): void {
    if (text !== null) {
      mkdirSync(this.dir, { recursive: true });
      return writeFileDurably(file, text, MODE);
    }
    if (!existsSync(file)) return;
    rmSync(file, { force: true });
    syncPath(this.dir);
  }
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Our own small JSON files; one that cannot be read as JSON counts as absent. */
function parseOrNull<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
