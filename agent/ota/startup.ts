/**
 * What the agent starts with: the local config file and its zones, then the last-known-good
 * bundles kept on disk — no network needed. A stored bundle that no longer passes (the fleet key
 * or the local file changed since) is left out with a warning, the truck bundle first, rather
 * than keeping the agent from starting.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatConfigIssue } from "../errors.js";
import { logger } from "../log.js";
import { loadConfig } from "../../config/load.js";
import type { AgentConfig } from "../../config/schema.js";
import { loadZones } from "../../config/zones/load.js";
import type { Zone } from "../../config/zones/zone.js";
import type { Channel } from "./bundle.js";
import { checkBundle } from "./check.js";
import {
  compose,
  layerName,
  type BundleLayer,
  type Composed,
  type Layers,
  type LocalLayer,
} from "./layers.js";
import { currentBootId, settleOpenTrials, type OpenTrials } from "./probation.js";
import { BundleStore } from "./store.js";

export interface StartupConfig {
  layers: Layers;
  composed: Composed;
  publicKey: KeyObject | null;
  /** Bundles the last run had on trial when it ended without a clean stop, and what became of them. */
  trials: OpenTrials;
}

const log = logger("config");

export async function loadStartupConfig(configFile: string): Promise<StartupConfig> {
  const local = await loadLocal(configFile);
  const publicKey = fleetKey(local.config);
  const layers: Layers = { local, fleet: null, truck: null };
  // Before the stored bundles are read: a rollback changes which ones there are.
  const store = new BundleStore(local.config.dataDir);
  const trials = settleOpenTrials(store, currentBootId(), local.config.ota.probationS);
  if (local.config.ota.enabled) {
    layers.fleet = await storedLayer("fleet", local.config, publicKey);
    layers.truck = await storedLayer("truck", local.config, publicKey);
  }

  for (const channel of ["truck", "fleet"] as const) {
    const composition = compose(layers);
    if (composition.composed !== undefined)
      return { layers, composed: composition.composed, publicKey, trials };

    const dropped = layers[channel];
    if (dropped === null) continue;
    log.warn(
      { bundle: layerName(dropped), errors: composition.issues.map(formatConfigIssue) },
      "stored bundle does not fit the local config; starting without it",
    );
    layers[channel] = null;
  }
  // The local layer alone is the config loadConfig validated.
  return { layers, composed: compose(layers).composed!, publicKey, trials };
}

/** The local config file and its zone file; throws as `run` always has for a bad one. */
export async function loadLocal(configFile: string): Promise<LocalLayer> {
  const config = await loadConfig(configFile);
  return { file: configFile, config, zones: await localZones(config, dirname(resolve(configFile))) };
}

async function localZones(config: AgentConfig, configDir: string): Promise<Zone[]> {
  const { file, timeZone } = config.zones;
  return file === undefined ? [] : loadZones(resolve(configDir, file), { timeZone });
}

export function fleetKey(config: AgentConfig): KeyObject | null {
  const file = config.ota.publicKeyFile;
  return file === undefined ? null : createPublicKey(readFileSync(file));
}

async function storedLayer(
  channel: Channel,
  config: AgentConfig,
  publicKey: KeyObject | null,
): Promise<BundleLayer | null> {
  const store = new BundleStore(config.dataDir);
  const text = store.read(channel);
  if (text === null) return null;

  const source = store.path(channel);
  const check = await checkBundle(text, {
    channel,
    truckId: config.truckId,
    publicKey,
    timeZone: config.zones.timeZone,
    source,
  });
  if (check.issues.length > 0) {
    log.warn(
      { file: source, errors: check.issues.map(formatConfigIssue) },
      "stored bundle no longer valid; starting without it",
    );
    return null;
  }
  log.info({ file: source, version: check.bundle!.version }, "starting from the stored bundle");
  return { channel, bundle: check.bundle!, text, zones: check.zones ?? null };
}
