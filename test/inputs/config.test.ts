/** The config's `inputs` section: defaults, and a source without its address. */
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../config/load.js";
import { AgentConfigSchema } from "../../config/schema.js";
import { tempFiles } from "../config/temp-files.js";

describe("the inputs section", () => {
  it("has no inputs by default and fills each given input's defaults", () => {
    expect(AgentConfigSchema.parse({ truckId: "T1" }).inputs).toEqual({});

    const config = AgentConfigSchema.parse({
      truckId: "T1",
      inputs: {
        bodyLift: { path: "/run/muck/lift" },
        ignition: { source: "gpio", line: 17, activeHigh: false },
      },
    });
    expect(config.inputs.bodyLift).toEqual({
      source: "file",
      path: "/run/muck/lift",
      chip: "/dev/gpiochip0",
      activeHigh: true,
      debounceMs: 200,
      pollMs: 100,
      stuckAfterS: 0,
    });
    expect(config.inputs.ignition).toMatchObject({
      source: "gpio",
      chip: "/dev/gpiochip0",
      line: 17,
      activeHigh: false,
    });
  });

  it("reports a file source without a path and a gpio source without a line, with their lines", async () => {
    const files = tempFiles();
    const file = files.write("inputs.json", {
      truckId: "T1",
      inputs: {
        cover: { debounceMs: 100 },
        bodyLift: { source: "gpio", chip: "/dev/gpiochip1" },
        lid: {},
      },
    });
    const { issues } = await checkConfig(file);
    files.remove();

    expect(issues.map((issue) => [issue.path, issue.expected, issue.line])).toEqual([
      ["inputs.cover.path", "the value file's path", 4],
      ["inputs.bodyLift.line", "a line offset such as 17", 7],
      ["inputs.lid", "one of bodyLift, cover, ignition", 11],
    ]);
  });
});
