import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../config/issues.js";
import { optionsMarkdown } from "../../config/options-table.js";
import { listOptions } from "../../config/schema-walk.js";
import { AgentConfigSchema } from "../../config/schema.js";

/** Dotted paths of every leaf value of a parsed config: what must each have a documented option. */
function leafPaths(data: unknown, prefix = ""): string[] {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return [prefix];
  return Object.entries(data).flatMap(([key, value]) => leafPaths(value, prefix === "" ? key : `${prefix}.${key}`));
}

function valueAt(data: unknown, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], data);
}

describe("option documentation", () => {
  const options = listOptions(AgentConfigSchema);
  // Optional sections given, so their defaulted options show up in the parse too.
  const inputs = { bodyLift: { path: "/run/lift" }, cover: { path: "/run/cover" }, ignition: { path: "/run/ign" } };
  const given = { truckId: "T1", scale: { path: "/dev/ttyS1" }, inputs };
  const givenPaths = ["truckId", "scale.path", ...Object.keys(inputs).map((name) => `inputs.${name}.path`)];

  it("documents every option with its unit and default in the description", () => {
    const documented = new Set(options.map((option) => option.path));
    const parsed = AgentConfigSchema.parse(given);
    expect(leafPaths(parsed).filter((path) => !documented.has(path))).toEqual([]);
    for (const option of options) {
      expect(option.meta.what, option.path).not.toBe("");
      expect(option.meta.description, option.path).toContain(
        `Unit: ${option.meta.unit === "" ? "none" : option.meta.unit}.`,
      );
      const shownDefault =
        option.defaultJson ?? (option.meta.required === true ? "none (required)" : "unset");
      expect(option.meta.description, option.path).toContain(`Default: ${shownDefault}.`);
    }
  });

  it("lists defaults that are exactly what parsing an empty config applies", () => {
    const parsed = AgentConfigSchema.parse(given);
    const defaulted = options.filter((option) => option.defaultJson !== undefined);

    // Every leaf the parse filled in is a documented default (truckId and scale.path were given).
    expect(defaulted.map((o) => o.path).sort()).toEqual(leafPaths(parsed).filter((p) => !givenPaths.includes(p)).sort());
    for (const option of defaulted) {
      expect(JSON.stringify(valueAt(parsed, option.path)), option.path).toBe(option.defaultJson);
    }
  });

  it("marks the required and the optional options", () => {
    const undefaulted = options.filter((option) => option.defaultJson === undefined);
    expect(undefaulted.map((option) => [option.path, option.meta.required === true])).toEqual([
      ["truckId", true],
      ["scale", false],
      ["scale.path", true],
      ["mqtt.username", false],
      ["mqtt.password", false],
      ["mqtt.passwordFile", false],
      ["mqtt.passwordEnv", false],
      ["mqtt.caFile", false],
      ["mqtt.certFile", false],
      ["mqtt.keyFile", false],
      ["mqtt.dailyCapBytes", false],
      ["detect.speed.preWarningKmh", false],
      ["detect.vehicle.plate", false],
      ["detect.vehicle.permitId", false],
      ["detect.load.maxWeightKg", false],
      ["identity.keyFile", false],
      ["zones.file", false],
      ...["bodyLift", "cover", "ignition"].flatMap((name) => [
        [`inputs.${name}`, false],
        [`inputs.${name}.path`, false],
        [`inputs.${name}.line`, false],
      ]),
      ["metrics.port", false],
      ["ota.publicKeyFile", false],
    ]);
  });

  it("renders one markdown row per option with default and unit", () => {
    const lines = optionsMarkdown(AgentConfigSchema).trimEnd().split("\n");

    expect(lines[0]).toBe("| Option | Default | Unit | Description |");
    expect(lines).toHaveLength(options.length + 2);
    expect(lines).toContain(
      "| `gps.baudRate` | `9600` | baud | Serial speed; must match the device's setting. |",
    );
    expect(lines.find((line) => line.startsWith("| `outbox.maxBytes` "))).toMatch(
      /^\| `outbox.maxBytes` \| `536870912` \| bytes \|/,
    );
    expect(lines.find((line) => line.startsWith("| `truckId` "))).toMatch(
      /^\| `truckId` \| required \| — \|/,
    );
  });
});

describe("key suggestions", () => {
  it("measures edit distance", () => {
    expect(editDistance("baudrate", "baudRate")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only keys within two edits, counting a case slip as one", () => {
    const gpsKeys = ["path", "baudRate", "silenceTimeoutS", "maxHdop"];
    expect(closest("baudrate", gpsKeys)).toBe("baudRate");
    expect(closest("BAUDRATE", gpsKeys)).toBe("baudRate");
    expect(closest("maxHDOP", gpsKeys)).toBe("maxHdop");
    expect(closest("paht", gpsKeys)).toBe("path");
    expect(closest("device", gpsKeys)).toBeUndefined();
  });
});
