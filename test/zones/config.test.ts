/** The config's `zones` section and the loader the agent calls with it. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../config/load.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { loadZonesForConfig } from "../../config/zones/for-config.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { collection, feature, square, writeZoneFile } from "./fixtures.js";

let dir: TempDir;
beforeAll(async () => void (dir = await makeTempDir("muck-zones-config-")));
afterAll(() => dir.remove());

const pit = feature(
  { type: "Polygon", coordinates: [square(121.4, 31.2, 0.01)] },
  { id: "pit", name: "North pit", kind: "loading_site", speedLimitKmh: 15 },
);

describe("the zones section", () => {
  it("defaults to no zone file in Shanghai time", () => {
    expect(AgentConfigSchema.parse({ truckId: "T1" }).zones).toEqual({ timeZone: "Asia/Shanghai" });
  });

  it("rejects a time zone Intl does not know, saying what it wanted", async () => {
    const file = writeZoneFile(dir.path, "bad-tz.json", {
      truckId: "T1",
      zones: { timeZone: "China/Shanghai" },
    });
    const { issues } = await checkConfig(file);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: "zones.timeZone",
      message: "not a known time zone",
      expected: "an IANA time zone such as Asia/Shanghai",
      line: 4,
    });
  });
});

describe("loadZonesForConfig", () => {
  it("resolves the zone file against the config file's folder", async () => {
    mkdirSync(path.join(dir.path, "truck", "zones"), { recursive: true });
    writeZoneFile(path.join(dir.path, "truck", "zones"), "city.geojson", collection(pit));
    const configFile = writeZoneFile(path.join(dir.path, "truck"), "agent.json", {
      truckId: "T1",
      zones: { file: "zones/city.geojson", timeZone: "UTC" },
    });

    const config = await loadConfig(configFile);
    const index = await loadZonesForConfig(config, path.dirname(configFile));

    expect(index.zones.map((zone) => zone.id)).toEqual(["pit"]);
    expect(index.speedLimitAt(121.4, 31.2, Date.now())).toEqual({ limitKmh: 15, zoneId: "pit" });
  });

  it("gives an empty index without a zone file", async () => {
    const index = await loadZonesForConfig(AgentConfigSchema.parse({ truckId: "T1" }), dir.path);
    expect(index.zones).toEqual([]);
    expect(index.containing(121.4, 31.2, Date.now())).toEqual([]);
  });

  it("names the resolved path when the zone file is missing", async () => {
    const config = AgentConfigSchema.parse({ truckId: "T1", zones: { file: "gone.geojson" } });
    const error = await loadZonesForConfig(config, dir.path).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "ZONES_NOT_FOUND" });
    expect((error as Error).message).toContain(path.join(dir.path, "gone.geojson"));
  });
});

describe("the example zone file", () => {
  it("loads, and the school gate is a no-go only in school hours", async () => {
    const example = path.join(import.meta.dirname, "../../config/zones/example.geojson");
    const config = AgentConfigSchema.parse({ truckId: "T1", zones: { file: example } });
    const index = await loadZonesForConfig(config, "/");
    const gateAt = (clock: string) =>
      index.containing(121.4212, 31.1405, Date.parse(`2025-06-02T${clock}+08:00`));

    expect(index.zones).toHaveLength(5);
    expect(gateAt("07:45:00").map((hit) => hit.zone.id)).toEqual(["school-gate-12"]);
    expect(gateAt("12:00:00")).toEqual([]);
  });
});
