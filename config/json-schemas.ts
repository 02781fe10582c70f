/**
 * JSON Schemas (draft 2020-12) of the agent config and the zone file, generated from the zod
 * schemas the agent validates with, so editors can complete and check both files as they are
 * typed (README, "Editing with a schema"). `npm run docs:schemas` writes them to
 * config/json-schema/; test/zones-tools/json-schemas.test.ts fails when they are out of date.
 *
 * What the agent checks beyond a JSON Schema — geometry (closed rings, crossings), cross-field
 * rules, readable files — stays with `muck-agent config check` and `muck-agent zones check`.
 */
import { z } from "zod";
import { AgentConfigSchema } from "./schema.js";
import { ZoneFileSchema, ZoneGeometryField } from "./zones/schema.js";

type JsonSchema = Record<string, unknown>;

const BASE_URL = "https://muck-agent.invalid/schema/";

export const JSON_SCHEMA_FILES = {
  "agent-config.schema.json": agentConfigJsonSchema,
  "zone-file.schema.json": zoneFileJsonSchema,
} as const;

export function agentConfigJsonSchema(): JsonSchema {
  const schema = generate(AgentConfigSchema, (json) => {
    // Option metadata feeds the README table; in a JSON Schema `required: true` is not valid.
    delete json.what;
    delete json.unit;
    if (typeof json.required === "boolean") delete json.required;
  });
  return {
    ...head("agent-config.schema.json", "muck-agent config"),
    description:
      "The muck-agent configuration file (muck-agent run --config FILE). Unknown keys are errors.",
    ...schema,
  };
}

export function zoneFileJsonSchema(): JsonSchema {
  const schema = generate(ZoneFileSchema, (json, zodSchema) => {
    if (zodSchema === ZoneGeometryField) Object.assign(json, GEOMETRY);
  });
  return {
    ...head("zone-file.schema.json", "muck-agent zone file"),
    description:
      "Zones of muck-agent: a GeoJSON FeatureCollection (RFC 7946, [lon, lat] in WGS84) of " +
      "loading and disposal sites, routes, speed zones and no-go areas.",
    ...schema,
  };
}

function head(file: string, title: string): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${BASE_URL}${file}`,
    title,
  };
}

function generate(
  schema: z.ZodType,
  adjust: (json: JsonSchema, zodSchema: unknown) => void,
): JsonSchema {
  const json = z.toJSONSchema(schema, {
    // What a person writes: defaults make keys optional; refinements cannot be expressed.
    io: "input",
    unrepresentable: "any",
    override: (ctx) => adjust(ctx.jsonSchema as JsonSchema, ctx.zodSchema),
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

const position = {
  type: "array",
  description: "[longitude, latitude] in degrees (WGS84), optionally an altitude",
  prefixItems: [
    { type: "number", minimum: -180, maximum: 180 },
    { type: "number", minimum: -90, maximum: 90 },
  ],
  items: { type: "number" },
  minItems: 2,
  maxItems: 3,
};
const ring = {
  type: "array",
  items: position,
  minItems: 4,
  description: "closed: the last position equals the first",
};
const polygon = { type: "array", items: ring, minItems: 1, description: "outer ring, then holes" };

const GEOMETRY: JsonSchema = {
  description:
    "Polygon or MultiPolygon: an area; Point: a circle (radiusM); " +
    "LineString: a route corridor (widthM or segmentWidthsM).",
  oneOf: [
    geometry("Polygon", polygon),
    geometry("MultiPolygon", { type: "array", items: polygon, minItems: 1 }),
    geometry("Point", position),
    geometry("LineString", { type: "array", items: position, minItems: 2 }),
  ],
};

function geometry(type: string, coordinates: JsonSchema): JsonSchema {
  return {
    type: "object",
    properties: { type: { const: type }, coordinates },
    required: ["type", "coordinates"],
  };
}
