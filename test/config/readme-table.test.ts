/** The README's option table is the schema's: `muck-agent config defaults`, word for word. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { optionsMarkdown } from "../../config/options-table.js";
import { AgentConfigSchema } from "../../config/schema.js";

describe("README option table", () => {
  it("equals the table generated from the schema", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const table = optionsMarkdown(AgentConfigSchema).trim();

    expect(table.split("\n").length).toBeGreaterThan(40);
    expect(readme).toContain(table);
  });
});
