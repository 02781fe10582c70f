/**
 * The agent's config for a scenario, in layers: the truck's own facts (plate, permit, tare,
 * rated weight, permit hours) and the law's default speed limit from the scenario; for a live
 * run the rig's devices, broker and timings; last the scenario's `agent.config`, which wins —
 * that is where a tuning, or a deliberately wrong setting, goes.
 */
import type { Scenario } from "./schema.js";

export interface RigSettings {
  dataDir: string;
  gpsPath: string;
  scalePath?: string;
  inputPaths: Partial<Record<"bodyLift" | "cover" | "ignition", string>>;
  brokerUrl: string;
  zonesFile: string;
  speedFactor: number;
  logLevel: string;
}

/** The raw config object (validated by the agent's schema when used). */
export function scenarioAgentConfig(scenario: Scenario, base: Record<string, unknown>): Record<string, unknown> {
  const { truck, rules } = scenario;
  const facts = {
    truckId: truck.id,
    zones: { timeZone: rules.timeZone },
    detect: {
      vehicle: definedOnly({ plate: truck.plate, permitId: truck.permitId, permitHours: truck.permitHours }),
      load: definedOnly({ emptyKg: truck.emptyKg, maxWeightKg: truck.maxWeightKg }),
      speed: { defaultLimitKmh: rules.defaultLimitKmh },
    },
  };
  return merge(merge(base, facts), scenario.agent.config);
}

/**
 * The rig's side of a live run. Wall-clock timings shrink with the speed factor so that, in
 * truck time, the agent behaves as it would on the road: a 200 ms switch debounce at 50× would
 * otherwise hide ten truck seconds.
 */
export function rigConfig(rig: RigSettings): Record<string, unknown> {
  const scaled = (ms: number, floor: number) => Math.max(floor, Math.round(ms / rig.speedFactor));
  // A pulled adapter that just goes quiet is found by the data-silence watchdog: 5 s of truck
  // time, but never under half a wall second, or a busy machine's pause would look like one.
  const silenceTimeoutS = Math.max(0.5, 5 / rig.speedFactor);
  const input = (path: string) => ({ source: "file", path, pollMs: scaled(100, 10), debounceMs: scaled(200, 0) });
  const inputs = Object.fromEntries(Object.entries(rig.inputPaths).map(([name, path]) => [name, input(path)]));

  return {
    dataDir: rig.dataDir,
    log: { level: rig.logLevel },
    gps: {
      path: rig.gpsPath,
      epochIdleMs: scaled(250, 20),
      silenceTimeoutS,
      reopenMinMs: scaled(500, 50),
      reopenMaxMs: scaled(30_000, 500),
    },
    ...(rig.scalePath === undefined
      ? {}
      : {
          scale: {
            path: rig.scalePath,
            protocol: "ascii",
            weight: "gross",
            silenceTimeoutS,
            reopenMinMs: scaled(500, 50),
            reopenMaxMs: scaled(30_000, 500),
          },
        }),
    mqtt: { url: rig.brokerUrl, reconnectMinMs: scaled(1000, 100), reconnectMaxMs: scaled(120_000, 1000), keepaliveS: 30 },
    outbox: { syncIntervalMs: 20 },
    zones: { file: rig.zonesFile },
    inputs,
  };
}

function definedOnly(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** Deep merge of plain objects; arrays and values from `over` replace. */
export function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? merge(current, value) : value;
  }
  return out;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
