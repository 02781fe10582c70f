/**
 * Keeps the running config: bundles from the two config topics and reloads of the local file
 * (SIGHUP) go through here, one at a time. Each is checked completely, composed with the other
 * layers and validated as a whole, stored as last-known-good, and only then applied — in one
 * synchronous step between two inputs (Agent.reconfigure). Anything that fails leaves the running
 * config as it was; the verdict goes to the log and, retained, to the ack topic.
 *
 * A bundle applied is on trial for `ota.probationS` (agent/ota/store.ts): the manager ends the
 * trial when its time is up or the agent stops cleanly, and refuses a bundle rolled back at start.
 */
import type { KeyObject } from "node:crypto";
import { formatConfigIssue, MuckError, type ConfigIssue } from "../errors.js";
import { logger } from "../log.js";
import type { AgentConfig } from "../../config/schema.js";
import type { ZoneIndex } from "../../config/zones/zone.js";
import { ZonesError } from "../../config/zones/zone-error.js";
import { ConfigError } from "../errors.js";
import type { ControlSubscription } from "../uplink.js";
import { ackErrors, runningVersions, type ConfigAck, type Verdict } from "./ack.js";
import type { Channel } from "./bundle.js";
import { checkBundle } from "./check.js";
import { compose, type BundleLayer, type Layers, type ZonesSource } from "./layers.js";
import { loadLocal } from "./startup.js";
import { currentBootId, NO_OPEN_TRIALS, type OpenTrials } from "./probation.js";
import { BundleStore, sha256, type Refusal } from "./store.js";
import { configTopics, type ConfigTopics } from "./topics.js";

/** What the manager needs of the agent. */
export interface Reconfigurable {
  reconfigure(config: AgentConfig, zones: ZoneIndex): string[];
  publishRetained(topic: string, payload: string): void;
  /** Shown in the live status. */
  configInForce: Record<string, unknown> | null;
}

interface Outcome {
  channel: ConfigAck["channel"];
  version: number | null;
  result: Verdict;
  reason?: string;
  errors?: ConfigIssue[];
}

export class ConfigManager {
  private readonly topics: ConfigTopics;
  private readonly store: BundleStore;
  private readonly log = logger("config");
  private queue: Promise<void> = Promise.resolve();

  /** Open trials of this run, by channel: each ends when its timer fires or at a clean stop. */
  private readonly trials = new Map<Channel, NodeJS.Timeout>();
  /** Fixed at start, like the rest of `ota`: a SIGHUP does not shorten or lengthen a trial. */
  private readonly probationMs: number;
  private readonly bootId = currentBootId();
  /** Refused bundles already acked in this run: the broker re-delivers them at every reconnect. */
  private readonly refusalsAcked = new Set<string>();

  constructor(
    private readonly agent: Reconfigurable,
    private layers: Layers,
    private zonesFrom: ZonesSource,
    private readonly publicKey: KeyObject | null,
    openTrials: OpenTrials = NO_OPEN_TRIALS,
  ) {
    const local = layers.local.config;
    this.topics = configTopics(local);
    this.store = new BundleStore(local.dataDir);
    this.probationMs = local.ota.probationS * 1000;
    agent.configInForce = { ...runningVersions(layers, zonesFrom) };
    if (local.ota.enabled && publicKey === null) {
      this.log.warn(
        { topics: [this.topics.truck, this.topics.fleet] },
        "no ota.publicKeyFile: unsigned config bundles are accepted",
      );
    }
    for (const trial of openTrials.rolledBack) {
      const reason = this.store.refusal(trial.channel)?.reason;
      this.report({ channel: trial.channel, version: trial.version, result: "rolled_back", reason });
    }
    for (const trial of openTrials.resumed) this.startTrialTimer(trial.channel);
  }

  /** A clean stop (SIGTERM, SIGINT): the bundles on trial did not bring the agent down. */
  stop(): void {
    for (const channel of [...this.trials.keys()]) this.endTrial(channel);
  }

  /** The uplink's subscription: both config topics, QoS 1; none when over the air is off. */
  subscription(): ControlSubscription | undefined {
    if (!this.layers.local.config.ota.enabled) return undefined;
    return {
      topics: [this.topics.truck, this.topics.fleet],
      onMessage: (topic, payload) => void this.receive(topic, payload),
    };
  }

  /** A bundle from one of the config topics; resolves once it has been judged. */
  receive(topic: string, payload: Buffer): Promise<void> {
    const channel: Channel = topic === this.topics.truck ? "truck" : "fleet";
    return this.serially(() => this.judgeBundle(channel, payload.toString("utf8")));
  }

  /** SIGHUP: the local file and its zones again. Resolves true when the new config runs. */
  reloadLocal(): Promise<boolean> {
    let applied = false;
    return this.serially(async () => {
      applied = await this.judgeLocal();
    }).then(() => applied);
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.queue
      .then(work)
      .catch((error: Error) => this.log.error({ err: error.message }, "config change failed"));
    this.queue = next;
    return next;
  }

  private async judgeBundle(channel: Channel, text: string): Promise<void> {
    // An empty retained message is how a broker's retained bundle is cleared: it is not a bundle.
    if (text.trim() === "")
      return void this.log.info({ channel }, "retained bundle cleared; running config unchanged");
    const current = this.layers[channel];
    // Every reconnect re-delivers the retained bundle: the one running needs no second ack.
    if (current?.text === text)
      return void this.log.debug({ channel, version: current.bundle.version }, "bundle already applied");

    const local = this.layers.local.config;
    const source = channel === "truck" ? this.topics.truck : this.topics.fleet;
    const check = await checkBundle(text, {
      channel,
      truckId: local.truckId,
      publicKey: this.publicKey,
      timeZone: local.zones.timeZone,
      source,
    });
    const version = check.bundle?.version ?? null;
    if (check.issues.length > 0)
      return this.report({ channel, version, result: "rejected", errors: check.issues });

    const bundle = check.bundle!;
    const refusal = this.store.refusal(channel);
    if (refusal !== null && refusal.sha256 === sha256(text)) return this.refuse(channel, source, refusal);
    if (current !== null && bundle.version <= current.bundle.version) {
      const reason = `version ${bundle.version} is not newer than the running version ${current.bundle.version}`;
      return this.report({ channel, version, result: "ignored", reason });
    }
    const layer: BundleLayer = { channel, bundle, text, zones: check.zones ?? null };
    const trialBefore = this.store.trial(channel);
    const persist = () => this.store.beginTrial(channel, bundle.version, text, this.bootId);
    const unpersist = () => this.store.revert(channel, current?.text ?? null, trialBefore);
    const next = { ...this.layers, [channel]: layer };
    const applied = this.apply(next, { channel, version, result: "applied" }, persist, unpersist);
    if (applied) this.startTrial(channel);
  }

  /** The very bundle that was rolled back: rejected, acked once a run (not at every reconnect). */
  private refuse(channel: Channel, source: string, refusal: Refusal): void {
    if (this.refusalsAcked.has(refusal.sha256))
      return void this.log.debug({ channel, version: refusal.version }, "refused bundle delivered again");
    this.refusalsAcked.add(refusal.sha256);
    const issue = {
      file: source,
      path: "",
      expected: "a bundle other than the one rolled back",
      found: `version ${refusal.version} again`,
      message: refusal.reason,
    };
    this.report({ channel, version: refusal.version, result: "rejected", errors: [issue] });
  }

  private async judgeLocal(): Promise<boolean> {
    const file = this.layers.local.file;
    let local;
    try {
      local = await loadLocal(file);
    } catch (error) {
      const issues =
        error instanceof ConfigError || error instanceof ZonesError
          ? error.issues
          : [fileIssue(file, error)];
      this.report({ channel: "local", version: null, result: "rejected", errors: issues });
      return false;
    }
    return this.apply({ ...this.layers, local }, { channel: "local", version: null, result: "applied" });
  }

  /**
   * Compose, store, apply — or report why not. `persist` runs before the agent changes, and
   * `unpersist` undoes it if the change itself fails, so the stored bundle is always one that runs.
   */
  private apply(
    next: Layers,
    outcome: Outcome,
    persist = () => undefined as void,
    unpersist = () => undefined as void,
  ): boolean {
    const composition = compose(next);
    if (composition.issues !== undefined)
      return (this.report({ ...outcome, result: "rejected", errors: composition.issues }), false);
    const composed = composition.composed;

    try {
      persist();
    } catch (error) {
      return (
        this.report({ ...outcome, result: "rejected", errors: [storeIssue(this.store.dir, error)] }),
        false
      );
    }
    let waiting: string[];
    try {
      waiting = this.agent.reconfigure(composed.config, composed.zones);
    } catch (error) {
      unpersist();
      const issue = {
        file: "",
        path: "",
        expected: "a config the agent can run",
        found: (error as Error).message,
        message: "applying the config failed; the previous config keeps running",
      };
      return (this.report({ ...outcome, result: "rejected", errors: [issue] }), false);
    }

    this.layers = next;
    this.zonesFrom = composed.zonesFrom;
    this.agent.configInForce = { ...runningVersions(next, composed.zonesFrom) };
    if (waiting.length > 0)
      this.log.warn(
        { keys: waiting },
        "these settings changed in the local file and take effect at the next start",
      );
    this.report(outcome);
    return true;
  }

  /** A different bundle runs now: a refusal of the channel lapses, and the new one is on trial. */
  private startTrial(channel: Channel): void {
    if (this.store.refusal(channel) !== null) this.store.refuse(channel, null);
    this.startTrialTimer(channel);
  }

  private startTrialTimer(channel: Channel): void {
    clearTimeout(this.trials.get(channel));
    const timer = setTimeout(() => this.endTrial(channel), this.probationMs);
    timer.unref();
    this.trials.set(channel, timer);
  }

  /** The bundle on trial passed: it is the last-known-good, with no way back to its predecessor. */
  private endTrial(channel: Channel): void {
    clearTimeout(this.trials.get(channel));
    this.trials.delete(channel);
    try {
      this.store.endTrial(channel);
      const version = this.layers[channel]?.bundle.version ?? null;
      this.log.info({ channel, version }, "bundle passed its trial");
    } catch (error) {
      // Left open, the trial makes the next start roll the bundle back: safe, if needless.
      this.log.error({ channel, err: (error as Error).message }, "ending the bundle's trial failed");
    }
  }

  private report(outcome: Outcome): void {
    const errors = outcome.errors ?? [];
    const fields = {
      channel: outcome.channel,
      version: outcome.version,
      running: runningVersions(this.layers, this.zonesFrom),
    };
    if (outcome.result === "applied") this.log.info(fields, "config applied");
    else if (outcome.result === "rolled_back")
      this.log.warn({ ...fields, reason: outcome.reason }, "config bundle rolled back");
    else if (outcome.result === "ignored")
      this.log.info({ ...fields, reason: outcome.reason }, "config bundle ignored");
    else
      this.log.warn(
        { ...fields, errors: errors.map(formatConfigIssue) },
        `config ${outcome.channel === "local" ? "reload" : "bundle"} rejected; running config unchanged`,
      );

    const ack: ConfigAck = {
      truckId: this.layers.local.config.truckId,
      at: new Date().toISOString(),
      channel: outcome.channel,
      version: outcome.version,
      result: outcome.result,
      ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      errors: ackErrors(errors),
      running: fields.running,
    };
    this.agent.publishRetained(this.topics.ack, JSON.stringify(ack));
  }
}

function fileIssue(file: string, error: unknown): ConfigIssue {
  const code = error instanceof MuckError ? error.code : "unreadable";
  return {
    file,
    path: "",
    expected: "a readable, valid file",
    found: code,
    message: (error as Error).message,
  };
}

function storeIssue(dir: string, error: unknown): ConfigIssue {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  return {
    file: dir,
    path: "",
    expected: "a writable data folder",
    found: code,
    message: `storing the bundle as last-known-good failed: ${(error as Error).message}`,
  };
}
