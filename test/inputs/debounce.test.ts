/** The debounce and stuck rules on their own, with explicit times. */
import { describe, expect, it } from "vitest";
import { Debouncer } from "../../drivers/inputs/debounce.js";
import { StuckWatch } from "../../drivers/inputs/stuck-watch.js";

describe("Debouncer", () => {
  it("settles the first level once it has held, dated when it was first seen", () => {
    const debouncer = new Debouncer(200);

    expect(debouncer.observe(false, 1000)).toBeUndefined();
    expect(debouncer.observe(false, 1100)).toBeUndefined();
    expect(debouncer.observe(false, 1200)).toEqual({
      value: false,
      previous: undefined,
      sinceMs: 1000,
    });
    expect(debouncer.value).toBe(false);
  });

  it("ignores a glitch shorter than debounceMs and reports a held change once", () => {
    const debouncer = new Debouncer(200);
    debouncer.observe(false, 0);
    debouncer.observe(false, 200);

    expect(debouncer.observe(true, 300)).toBeUndefined();
    expect(debouncer.observe(false, 350)).toBeUndefined();
    expect(debouncer.observe(true, 400)).toBeUndefined();
    expect(debouncer.observe(true, 599)).toBeUndefined();
    expect(debouncer.observe(true, 600)).toEqual({ value: true, previous: false, sinceMs: 400 });
    expect(debouncer.observe(true, 700)).toBeUndefined();
  });

  it("passes every level through with debounceMs 0, and forgets on reset", () => {
    const debouncer = new Debouncer(0);

    expect(debouncer.observe(true, 5)?.value).toBe(true);
    debouncer.reset();
    expect(debouncer.value).toBeUndefined();
    expect(debouncer.observe(true, 6)).toEqual({ value: true, previous: undefined, sinceMs: 6 });
  });
});

describe("StuckWatch", () => {
  it("reports once when counted quiet time reaches the limit", () => {
    const watch = new StuckWatch(1000);

    expect(watch.tick(0, true)).toBeUndefined();
    expect(watch.tick(600, true)).toBeUndefined();
    expect(watch.tick(1000, true)).toBe(1000);
    expect(watch.tick(5000, true)).toBeUndefined();
    expect(watch.isStuck).toBe(true);
  });

  it("does not count time that does not count (ignition off), and restarts on reset", () => {
    const watch = new StuckWatch(1000);

    watch.tick(0, true);
    watch.tick(900, true);
    expect(watch.tick(60_000, false)).toBeUndefined();
    expect(watch.tick(60_050, true)).toBeUndefined();
    watch.reset();
    expect(watch.tick(70_000, true)).toBeUndefined();
    expect(watch.tick(70_999, true)).toBeUndefined();
    expect(watch.tick(71_000, true)).toBe(1000);
  });

  it("never reports when disabled", () => {
    const watch = new StuckWatch(0);
    watch.tick(0, true);
    expect(watch.tick(1e9, true)).toBeUndefined();
  });
});
