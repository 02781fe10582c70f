import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_FILES } from "../../config/json-schemas.js";
import { FILES, REPO } from "./cli.js";

const SCHEMA_DIR = join(REPO, "config/json-schema");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));

function validator(file: keyof typeof JSON_SCHEMA_FILES) {
  // strict: an unknown keyword (option metadata leaking into the schema) is an error here. A
  // position is a tuple with an optional altitude (RFC 7946), which strictTuples calls open-ended.
  const ajv = new Ajv2020({
    strict: true,
    strictTuples: false,
    allowUnionTypes: true,
    allErrors: true,
  });
  return ajv.compile(readJson(join(SCHEMA_DIR, file)));
}

describe("the JSON Schemas for editors", () => {
  it("are committed as `npm run docs:schemas` generates them", () => {
    for (const [file, build] of Object.entries(JSON_SCHEMA_FILES)) {
      expect(
        readFileSync(join(SCHEMA_DIR, file), "utf8"),
        `${file}: run npm run docs:schemas`,
      ).toBe(`${JSON.stringify(build(), null, 2)}\n`);
    }
  });

  it("accept the example configs and reject a misspelt option and a wrong type", () => {
    const valid = validator("agent-config.schema.json");
    for (const name of ["example.json", "minimal.json"]) {
      expect(valid(readJson(join(REPO, "config", name))), JSON.stringify(valid.errors)).toBe(true);
    }

    expect(valid({ truckId: "T1", gps: { baudrate: 9600 } })).toBe(false);
    expect(valid.errors).toContainEqual(
      expect.objectContaining({ instancePath: "/gps", params: { additionalProperty: "baudrate" } }),
    );
    expect(valid({ truckId: "T1", gps: { baudRate: "9600" } })).toBe(false);
    expect(valid({ gps: {} })).toBe(false); // truckId is required
  });

  it("accept the zone files and reject a bad kind, a clock time and a geometry without coordinates", () => {
    const valid = validator("zone-file.schema.json");
    for (const file of [
      join(FILES, "all-kinds.geojson"),
      join(REPO, "config/zones/example.geojson"),
    ]) {
      expect(valid(readJson(file)), JSON.stringify(valid.errors)).toBe(true);
    }

    const zones = readJson(join(FILES, "all-kinds.geojson"));
    zones.features[0].properties.kind = "parking";
    zones.features[2].properties.activeHours[0].from = "8pm";
    zones.features[6].geometry = { type: "Point" };
    expect(valid(zones)).toBe(false);
    const paths = valid.errors!.map((error) => error.instancePath);
    expect(paths).toContain("/features/0/properties/kind");
    expect(paths).toContain("/features/2/properties/activeHours/0/from");
    expect(paths.some((path) => path.startsWith("/features/6/geometry"))).toBe(true);
  });
});
