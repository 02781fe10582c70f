/**
 * Which parts of the config a running agent can take without a restart: the same sections a
 * bundle may set (cadence, detect, zones) — rules and rhythm, read afresh at every input.
 * Everything else (devices, broker, storage, identity) is wired into open ports, connections and
 * files at start; a change there is reported and waits for the next start.
 */
import type { AgentConfig } from "../../config/schema.js";

export const LIVE_SECTIONS = ["cadence", "detect", "zones"] as const;

/** The running config with the live sections of `next`. */
export function liveChange(running: AgentConfig, next: AgentConfig): AgentConfig {
  return { ...running, cadence: next.cadence, detect: next.detect, zones: next.zones };
}

/** Top-level sections (or keys) outside the live ones that differ. */
export function restartOnlyChanges(running: AgentConfig, next: AgentConfig): string[] {
  const live: readonly string[] = LIVE_SECTIONS;
  const keys = new Set([...Object.keys(running), ...Object.keys(next)]);
  return [...keys]
    .filter((key) => !live.includes(key))
    .filter(
      (key) =>
        JSON.stringify(running[key as keyof AgentConfig]) !==
        JSON.stringify(next[key as keyof AgentConfig]),
    )
    .sort();
}
