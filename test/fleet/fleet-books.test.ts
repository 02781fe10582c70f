/**
 * The fleet's books alone (the fleet test runs them against a real broker, where nothing is
 * lost): what counts as lost, duplicated, foreign, and when the outage backlog is empty; and the
 * exit code a CI job sees.
 */
import { describe, expect, it } from "vitest";

import { FleetBooks } from "../../simulator/fleet/fleet-books.js";
import { exitCodeOf } from "../../simulator/fleet/fleet-report.js";
import type { FleetResult } from "../../simulator/fleet/fleet-run.js";

describe("FleetBooks", () => {
  it("counts a record accepted and never received as lost, one received twice as a duplicate", () => {
    const books = new FleetBooks();
    books.add("T-1");
    books.add("T-2");
    for (const seq of [1, 2, 3]) books.accept("T-1", seq);
    books.accept("T-2", 1);
    books.deliver("T-1", 1);
    books.deliver("T-1", 3);
    books.deliver("T-1", 3);
    books.deliver("T-2", 1);
    books.deliver("OTHER", 7);

    expect(books.totals()).toEqual({ accepted: 4, delivered: 3, lost: 1, queued: 0, duplicates: 1, foreign: 1 });
    expect(books.lossesByTruck()).toEqual({ "T-1": [2] });
    expect(books.undelivered()).toBe(1);
  });

  it("counts a record still in the stopped truck's outbox as queued, not lost", () => {
    const books = new FleetBooks();
    books.add("T-1");
    for (const seq of [1, 2, 3]) books.accept("T-1", seq);
    books.deliver("T-1", 1);
    books.queue("T-1", [3, 4]);

    expect(books.totals()).toMatchObject({ accepted: 3, delivered: 1, lost: 1, queued: 1 });
    expect(books.lossesByTruck()).toEqual({ "T-1": [2] });
  });

  it("keeps the backlog of the restore until each of its records is received", () => {
    const books = new FleetBooks();
    books.add("T-1");
    books.accept("T-1", 1);
    books.accept("T-1", 2);
    books.deliver("T-1", 1);
    books.openBacklog();
    books.accept("T-1", 3);

    expect(books.backlogLeft()).toBe(1);
    books.deliver("T-1", 3);
    expect(books.backlogLeft()).toBe(1);
    books.deliver("T-1", 2);
    expect(books.backlogLeft()).toBe(0);
  });
});

describe("exit code of a fleet run", () => {
  const clean = {
    records: { accepted: 10, delivered: 10, lost: 0, queued: 0, duplicates: 2, foreign: 0 },
    failures: [],
    outage: { mode: "refuse", lengthS: 3, reconnect: null, recoveryS: 4.2 },
  } as unknown as FleetResult;

  it("is 0 when nothing was lost (duplicates are allowed by QoS 1)", () => {
    expect(exitCodeOf(clean)).toBe(0);
  });

  it("is 1 when a record was lost or still queued, a truck failed to start, or the fleet never recovered", () => {
    expect(exitCodeOf({ ...clean, records: { ...clean.records, delivered: 9, lost: 1 } })).toBe(1);
    expect(exitCodeOf({ ...clean, records: { ...clean.records, delivered: 9, queued: 1 } })).toBe(1);
    expect(exitCodeOf({ ...clean, failures: ["F-003: store locked"] })).toBe(1);
    expect(exitCodeOf({ ...clean, outage: { ...clean.outage!, recoveryS: null } })).toBe(1);
  });
});
