/**
 * The GPIO source without GPIO hardware: a chip that does not exist. With node-libgpiod built
 * (libgpiod-dev present at npm install) that is a disconnected sensor naming the chip; without
 * it, an unreadable one saying the library is missing. Real lines are a manual hardware test.
 */
import { describe, expect, it } from "vitest";
import { GpioSource, loadGpiod } from "../../drivers/inputs/gpio-source.js";
import { InputsReader, type InputFault } from "../../drivers/inputs/inputs-reader.js";
import { waitFor } from "../helpers/wait-for.js";

const MISSING_CHIP = "/dev/gpiochip-muck-test-missing";
const libraryPresent = !(loadGpiod() instanceof Error);

describe("GpioSource", () => {
  it(`reports a missing chip (node-libgpiod ${libraryPresent ? "present" : "absent"})`, async () => {
    const source = new GpioSource(MISSING_CHIP, 17);
    const reading = await source.read();

    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.kind).toBe(libraryPresent ? "disconnected" : "unreadable");
    expect(reading.detail).toContain(`${MISSING_CHIP} line 17`);
    if (!libraryPresent) expect(reading.detail).toMatch(/node-libgpiod is not installed/);
    await source.close();
  });

  it("turns the failure into one fault event through the reader", async () => {
    const reader = new InputsReader({
      ignition: { source: "gpio", chip: MISSING_CHIP, line: 3, pollMs: 20 },
    });
    const faults: InputFault[] = [];
    reader.on("fault", (fault) => faults.push(fault));
    reader.start();

    await waitFor(() => faults.length === 1, 2000, "gpio fault");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reader.stop();
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({
      input: "ignition",
      kind: libraryPresent ? "disconnected" : "unreadable",
    });
  });
});
