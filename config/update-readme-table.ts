/**
 * Rewrites the option table in README.md from the schema (`npm run docs:options`). The table
 * sits between its header row and the next blank line; test/config/readme-table.test.ts fails
 * when it is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { optionsMarkdown } from "./options-table.js";
import { AgentConfigSchema } from "./schema.js";

const README = join(import.meta.dirname, "..", "README.md");
const HEADER = "| Option | Default | Unit | Description |";

const text = readFileSync(README, "utf8");
const start = text.indexOf(HEADER);
if (start < 0) throw new Error(`${README}: no option table (a line starting "${HEADER}")`);
const end = text.indexOf("\n\n", start);

writeFileSync(README, text.slice(0, start) + optionsMarkdown(AgentConfigSchema).trim() + text.slice(end));
process.stdout.write(`${README}: option table rewritten\n`);
