/**
 * Bundles without a broker: signatures over canonical bytes, the checks and the layering, the
 * last-known-good store, and what the config manager does when applying fails.
 */
import { createPublicKey } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkBundle } from "../../agent/ota/check.js";
import { ConfigManager, type Reconfigurable } from "../../agent/ota/config-manager.js";
import { compose, type Layers } from "../../agent/ota/layers.js";
import { signatureProblem } from "../../agent/ota/signature.js";
import { loadStartupConfig } from "../../agent/ota/startup.js";
import { BundleStore } from "../../agent/ota/store.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { generateFleetKeys, makeBundle, signed, speedZoneFile } from "./bundles.js";

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-bundle-");
});
afterEach(() => dir.remove());

const keys = generateFleetKeys();
const publicKey = createPublicKey(keys.publicKeyPem);
const context = {
  channel: "truck" as const,
  truckId: "T1",
  publicKey,
  timeZone: "Asia/Shanghai",
  source: "muck/T1/config",
};

describe("signatures", () => {
  it("hold over re-indented and reordered JSON and break on any change of content", async () => {
    const bundle = signed(
      makeBundle(2, "truck:T1", {
        settings: { detect: { speed: { defaultLimitKmh: 40, toleranceKmh: 2 } } },
      }),
      keys,
    );
    const reordered = JSON.parse(
      JSON.stringify({
        signature: bundle.signature,
        settings: { detect: { speed: { toleranceKmh: 2, defaultLimitKmh: 40 } } },
        target: bundle.target,
        issuedAt: bundle.issuedAt,
        version: 2,
        format: bundle.format,
      }),
    );
    expect(signatureProblem(reordered, publicKey)).toBeNull();
    expect((await checkBundle(JSON.stringify(reordered, null, 4), context)).issues).toEqual([]);

    expect(signatureProblem({ ...bundle, version: 3 }, publicKey)).toMatch(/does not match/);
    expect(signatureProblem({ ...bundle, target: "fleet" }, publicKey)).toMatch(/does not match/);
    expect(signatureProblem({ ...bundle, signature: undefined }, publicKey)).toMatch(/^unsigned/);
  });
});

describe("checkBundle", () => {
  it("lists every problem with its path and line, and refuses settings that must stay local", async () => {
    const bundle = {
      ...makeBundle(1, "truck:T2", {
        settings: {
          mqtt: { url: "mqtt://evil:1883" },
          zones: { file: "x.geojson", timeZone: "Europe/Berlin" },
        },
        zones: speedZoneFile(-5),
      }),
    };
    const text = JSON.stringify(bundle, null, 2);
    const { issues } = await checkBundle(text, context);

    expect(issues.map((issue) => issue.path).sort()).toEqual([
      "settings.mqtt",
      "settings.zones.file",
      "signature",
      "target",
      "zones.features[0].properties.speedLimitKmh",
    ]);
    const target = issues.find((issue) => issue.path === "target")!;
    expect(target.line).toBe(text.split("\n").findIndex((line) => line.includes('"target"')) + 1);
  });

  it("reports JSON and layout errors without going further", async () => {
    expect((await checkBundle('{"format": ', context)).issues).toMatchObject([
      { path: "", message: expect.stringMatching(/^not valid JSON/) },
    ]);
    const { issues } = await checkBundle(
      JSON.stringify({ format: "muck-agent-config/1", version: 0, issuedAt: "yesterday", target: "T1" }),
      context,
    );
    expect(issues.map((issue) => issue.path)).toEqual(["version", "issuedAt", "target"]);
  });
});

describe("layers", () => {
  const local = {
    file: "truck.json",
    config: AgentConfigSchema.parse({
      truckId: "T1",
      detect: { speed: { defaultLimitKmh: 50, toleranceKmh: 3 } },
    }),
    zones: [],
  };
  const layer = (
    channel: "fleet" | "truck",
    version: number,
    parts: Parameters<typeof makeBundle>[2],
  ) => {
    const bundle = makeBundle(version, channel === "fleet" ? "fleet" : "truck:T1", parts);
    return {
      channel,
      bundle,
      text: JSON.stringify(bundle),
      zones: (parts?.zones?.features as never) ?? null,
    };
  };

  it("merge local < fleet < truck key by key, and take the most specific zone file whole", () => {
    const layers: Layers = {
      local,
      fleet: layer("fleet", 4, {
        settings: {
          detect: {
            speed: { defaultLimitKmh: 45 },
            vehicle: { permitHours: [{ from: "22:00", to: "06:00" }] },
          },
        },
      }),
      truck: layer("truck", 2, {
        settings: { detect: { speed: { toleranceKmh: 1 }, vehicle: { permitHours: [] } } },
      }),
    };
    const { composed } = compose(layers);
    expect(composed!.config.detect.speed).toMatchObject({ defaultLimitKmh: 45, toleranceKmh: 1 });
    expect(composed!.config.detect.vehicle.permitHours).toEqual([]);
    expect(composed!.zonesFrom).toBe("local");
    // Same zone file, same index: the zone detectors carry on across a settings-only change.
    expect(compose({ ...layers, truck: null }).composed!.zones).toBe(composed!.zones);
  });

  it("name the layer that set a value the whole config refuses", () => {
    const layers: Layers = {
      local,
      fleet: layer("fleet", 4, { settings: { detect: { speed: { defaultLimitKmh: -1 } } } }),
      truck: null,
    };
    expect(compose(layers).issues).toMatchObject([
      { file: "fleet bundle v4", path: "settings.detect.speed.defaultLimitKmh", line: 1 },
    ]);
    const fine = compose({
      ...layers,
      fleet: layer("fleet", 5, { settings: { cadence: { minPeriodS: 10 } } }),
    });
    expect(fine.issues).toBeUndefined();
  });
});

describe("the config manager", () => {
  it("keeps the previous last-known-good bundle when the agent cannot apply a new one", async () => {
    const config = AgentConfigSchema.parse({ truckId: "T1", dataDir: dir.path });
    const store = new BundleStore(dir.path);
    const previous = makeBundle(1, "truck:T1", {
      settings: { detect: { speed: { defaultLimitKmh: 40 } } },
    });
    store.write("truck", JSON.stringify(previous));
    const layers: Layers = {
      local: { file: "truck.json", config, zones: [] },
      fleet: null,
      truck: { channel: "truck", bundle: previous, text: JSON.stringify(previous), zones: null },
    };

    const acks: string[] = [];
    // The one place a fake agent stands in: a real one cannot be made to fail on a valid config.
    const failing: Reconfigurable = {
      reconfigure: () => {
        throw new Error("detector refused the zones");
      },
      publishRetained: (_topic, payload) => acks.push(payload),
      configInForce: null,
    };
    const manager = new ConfigManager(failing, layers, "local", null);
    await manager.receive(
      "muck/T1/config",
      Buffer.from(
        JSON.stringify(
          makeBundle(2, "truck:T1", { settings: { detect: { speed: { defaultLimitKmh: 30 } } } }),
        ),
      ),
    );

    expect(JSON.parse(acks[0]!)).toMatchObject({
      result: "rejected",
      version: 2,
      errors: [{ found: "detector refused the zones" }],
      running: { truck: 1 },
    });
    expect(readFileSync(store.path("truck"), "utf8")).toBe(JSON.stringify(previous));
  });

  it("starts without a stored bundle that the fleet key no longer verifies", async () => {
    const configFile = join(dir.path, "truck.json");
    writeFileSync(join(dir.path, "fleet.pub"), keys.publicKeyPem);
    writeFileSync(
      configFile,
      JSON.stringify({
        truckId: "T1",
        dataDir: join(dir.path, "data"),
        ota: { publicKeyFile: join(dir.path, "fleet.pub") },
      }),
    );
    const store = new BundleStore(join(dir.path, "data"));
    store.write(
      "fleet",
      JSON.stringify(
        signed(
          makeBundle(3, "fleet", { settings: { detect: { speed: { defaultLimitKmh: 35 } } } }),
          keys,
        ),
      ),
    );
    store.write(
      "truck",
      JSON.stringify(
        signed(
          makeBundle(3, "truck:T1", { settings: { cadence: { minPeriodS: 10 } } }),
          generateFleetKeys(),
        ),
      ),
    );

    const startup = await loadStartupConfig(configFile);
    expect(startup.layers.fleet?.bundle.version).toBe(3);
    expect(startup.layers.truck).toBeNull();
    expect(startup.composed.config.detect.speed.defaultLimitKmh).toBe(35);
    expect(startup.composed.config.cadence.minPeriodS).toBe(30);
    expect(existsSync(store.path("truck"))).toBe(true);
  });
});
