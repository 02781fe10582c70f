import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureFiles } from "./files/fixture-files.js";
import { FILES } from "./cli.js";

describe("the committed fixtures", () => {
  it("are what files/generate.ts writes (rerun it after changing a fixture's source)", async () => {
    const generated = await fixtureFiles();
    expect(Object.keys(generated).length).toBeGreaterThan(20);
    for (const [name, content] of Object.entries(generated)) {
      expect(readFileSync(join(FILES, name), "utf8"), name).toBe(content);
    }
  });
});
