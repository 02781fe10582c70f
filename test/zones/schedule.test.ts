/**
 * Speed limits and schedules in local time: the lowest limit of the zones at a point, a corridor
 * segment's own limit, night limits within their hours, activeHours past midnight, and validity
 * dates, all in the configured time zone (Asia/Shanghai unless stated).
 */
import { describe, expect, it } from "vitest";
import { buildZoneIndex } from "../../config/zones/index.js";
import type { Zone } from "../../config/zones/zone.js";
import { shanghai, square } from "./fixtures.js";

const options = { timeZone: "Asia/Shanghai" };

const road: Zone = {
  id: "road",
  name: "Haul road",
  kind: "route",
  geometry: {
    type: "LineString",
    coordinates: [
      [121.4, 31.3],
      [121.42, 31.3],
      [121.42, 31.32],
    ],
  },
  widthM: 40,
  speedLimitKmh: 50,
  segmentLimitsKmh: [null, 30],
  night: { limitKmh: 40, hours: { from: "22:00", to: "06:00" } },
};
// Covers the west half of segment 0 only.
const school: Zone = {
  id: "school",
  name: "School zone",
  kind: "speed_zone",
  geometry: { type: "Polygon", coordinates: [square(121.405, 31.3, 0.004)] },
  speedLimitKmh: 35,
};
// Covers segment 1; higher than the segment's own limit, so it never wins there.
const arterial: Zone = {
  id: "arterial",
  name: "Arterial",
  kind: "speed_zone",
  geometry: { type: "Polygon", coordinates: [square(121.42, 31.31, 0.004)] },
  speedLimitKmh: 60,
};
const index = buildZoneIndex([road, school, arterial], options);

const NOON = shanghai("2024-05-01T12:00:00");
const ON_SEGMENT_0_IN_SCHOOL = [121.404, 31.3] as const;
const ON_SEGMENT_0 = [121.415, 31.3] as const;
const ON_SEGMENT_1 = [121.42, 31.31] as const;

describe("speedLimitAt", () => {
  it("takes the lowest of the speed zones and the route at the point", () => {
    expect(index.speedLimitAt(...ON_SEGMENT_0_IN_SCHOOL, NOON)).toEqual({
      limitKmh: 35,
      zoneId: "school",
    });
    expect(index.speedLimitAt(...ON_SEGMENT_0, NOON)).toEqual({
      limitKmh: 50,
      zoneId: "road",
      segment: 0,
    });
  });

  it("uses a segment's own limit where it has one, the route's where it is null", () => {
    expect(index.speedLimitAt(...ON_SEGMENT_1, NOON)).toEqual({
      limitKmh: 30,
      zoneId: "road",
      segment: 1,
    });
  });

  it("is null where no zone sets a limit", () => {
    expect(index.speedLimitAt(121.3, 31.3, NOON)).toBeNull();
  });

  it("applies the night limit within its hours in Shanghai time, and not outside them", () => {
    const at = (clock: string) =>
      index.speedLimitAt(...ON_SEGMENT_0, shanghai(`2024-05-01T${clock}`));

    expect(at("21:59:59")?.limitKmh).toBe(50);
    expect(at("22:00:00")?.limitKmh).toBe(40);
    expect(at("23:30:00")?.limitKmh).toBe(40);
    expect(at("05:59:00")?.limitKmh).toBe(40);
    expect(at("06:00:00")?.limitKmh).toBe(50);
    // A night limit above a segment's own limit does not raise it.
    expect(index.speedLimitAt(...ON_SEGMENT_1, shanghai("2024-05-01T23:00:00"))?.limitKmh).toBe(30);
  });

  it("reads the hours in the configured time zone", () => {
    const utc = buildZoneIndex([road], { timeZone: "UTC" });
    // 23:00 in Shanghai is 15:00 UTC: daytime for a file written in UTC.
    expect(utc.speedLimitAt(...ON_SEGMENT_0, shanghai("2024-05-01T23:00:00"))?.limitKmh).toBe(50);
    expect(utc.speedLimitAt(...ON_SEGMENT_0, Date.parse("2024-05-01T23:00:00Z"))?.limitKmh).toBe(
      40,
    );
  });

  it("applies a night-only limit at night and no limit by day", () => {
    const nightOnly = buildZoneIndex(
      [{ ...school, speedLimitKmh: undefined, night: road.night }],
      options,
    );

    expect(nightOnly.speedLimitAt(...ON_SEGMENT_0_IN_SCHOOL, NOON)).toBeNull();
    expect(
      nightOnly.speedLimitAt(...ON_SEGMENT_0_IN_SCHOOL, shanghai("2024-05-01T02:00:00"))?.limitKmh,
    ).toBe(40);
  });
});

describe("activity", () => {
  const nightSite: Zone = {
    ...school,
    id: "night-site",
    activeHours: [{ from: "20:00", to: "07:00" }],
  };
  const nightIndex = buildZoneIndex([nightSite], options);
  const active = (atMs: number) =>
    nightIndex.containing(...ON_SEGMENT_0_IN_SCHOOL, atMs).length === 1;

  it("follows activeHours that wrap past midnight", () => {
    expect(active(shanghai("2024-05-01T19:59:00"))).toBe(false);
    expect(active(shanghai("2024-05-01T20:00:00"))).toBe(true);
    expect(active(shanghai("2024-05-02T03:00:00"))).toBe(true);
    expect(active(shanghai("2024-05-02T06:59:00"))).toBe(true);
    expect(active(shanghai("2024-05-02T07:00:00"))).toBe(false);
    expect(active(shanghai("2024-05-02T12:00:00"))).toBe(false);
  });

  it("answers each instant by its own minute when asked back and forth across an edge", () => {
    // The index keeps the local time of the last minute it was asked about: it must not leak.
    expect(active(shanghai("2024-05-01T19:59:59.999"))).toBe(false);
    expect(active(shanghai("2024-05-01T20:00:00.000"))).toBe(true);
    expect(active(shanghai("2024-05-01T19:59:59.999"))).toBe(false);
    expect(active(shanghai("2024-05-01T20:00:59.999"))).toBe(true);
    expect(active(shanghai("2024-05-02T06:59:59.999"))).toBe(true);
    expect(active(shanghai("2024-05-02T07:00:00.000"))).toBe(false);
  });

  it("is active in any of several windows", () => {
    const shifts = buildZoneIndex(
      [
        {
          ...nightSite,
          activeHours: [
            { from: "06:00", to: "09:00" },
            { from: "17:00", to: "19:00" },
          ],
        },
      ],
      options,
    );
    const at = (clock: string) =>
      shifts.containing(...ON_SEGMENT_0_IN_SCHOOL, shanghai(`2024-05-01T${clock}`));

    expect(at("07:00:00")).toHaveLength(1);
    expect(at("12:00:00")).toHaveLength(0);
    expect(at("18:30:00")).toHaveLength(1);
  });

  it("is valid from validFrom to validTo inclusive, in local dates", () => {
    const works = buildZoneIndex(
      [{ ...school, validFrom: "2024-05-01", validTo: "2024-05-31" }],
      options,
    );
    const valid = (local: string) =>
      works.containing(...ON_SEGMENT_0_IN_SCHOOL, shanghai(local)).length === 1;

    expect(valid("2024-04-30T23:59:00")).toBe(false);
    // Midnight in Shanghai is 16:00 UTC of the day before: the local date decides.
    expect(valid("2024-05-01T00:00:00")).toBe(true);
    expect(valid("2024-05-31T23:59:00")).toBe(true);
    expect(valid("2024-06-01T00:00:00")).toBe(false);
  });

  it("leaves inactive zones out of nearest and speedLimitAt", () => {
    const closed = buildZoneIndex([{ ...school, validTo: "2020-01-01" }, road], options);

    expect(closed.nearest(...ON_SEGMENT_0_IN_SCHOOL, "speed_zone", NOON)).toBeNull();
    expect(closed.speedLimitAt(...ON_SEGMENT_0_IN_SCHOOL, NOON)).toEqual({
      limitKmh: 50,
      zoneId: "road",
      segment: 0,
    });
  });
});
