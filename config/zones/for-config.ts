/**
 * The zones the agent runs with: the config's zone file, loaded, validated and indexed. Without
 * a zone file the index is empty, so zone checks find nothing instead of failing.
 */
import path from "node:path";
import type { AgentConfig } from "../schema.js";
import { buildZoneIndex } from "./index.js";
import { loadZones } from "./load.js";
import type { ZoneIndex } from "./zone.js";

/**
 * Load `config.zones.file` (relative paths resolve against the config file's folder, so a
 * config and its zone file can move together); throws ZONES_NOT_FOUND, ZONES_NOT_JSON or
 * ZONES_INVALID.
 */
export async function loadZonesForConfig(
  config: Pick<AgentConfig, "zones">,
  configFileDir: string,
): Promise<ZoneIndex> {
  const { file, timeZone } = config.zones;
  if (file === undefined) return buildZoneIndex([], { timeZone });

  const zones = await loadZones(path.resolve(configFileDir, file), { timeZone });
  return buildZoneIndex(zones, { timeZone });
}
