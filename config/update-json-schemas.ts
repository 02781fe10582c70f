/** Writes config/json-schema/*.schema.json from the zod schemas (`npm run docs:schemas`). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JSON_SCHEMA_FILES } from "./json-schemas.js";

const DIR = join(import.meta.dirname, "json-schema");

mkdirSync(DIR, { recursive: true });
for (const [file, build] of Object.entries(JSON_SCHEMA_FILES)) {
  writeFileSync(join(DIR, file), `${JSON.stringify(build(), null, 2)}\n`);
  process.stdout.write(`${join(DIR, file)} written\n`);
}
