/**
 * Zones as the detectors see them: the contract between the zone file loader (config/zones/) and
 * the detectors (agent/detect/). Geometry is GeoJSON (RFC 7946: [lon, lat], WGS84); distances are
 * metres on the WGS84 ellipsoid, in a tangent plane at the point asked about (config/zones/metric.ts:
 * within 0.05 % of the geodesic at 10 km).
 *
 * Life cycle: loaded and validated from the zone file before the agent starts (or from an
 * over-the-air bundle), indexed once, then only read; a new file means a new index.
 */

export type ZoneKind = "loading_site" | "disposal_site" | "route" | "speed_zone" | "no_go";

/** A local-time interval of the day, "HH:MM" to "HH:MM"; `to` before `from` wraps past midnight. */
export interface DailyHours {
  from: string;
  to: string;
}

export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  /** Speed limit inside the zone (or on the whole route), km/h. */
  speedLimitKmh?: number;
  /** A lower limit during the night hours, km/h. */
  night?: { limitKmh: number; hours: DailyHours };
  /** When the zone is active (local time in the configured time zone); absent = always. */
  activeHours?: DailyHours[];
  /** Dates the zone is valid, ISO dates `YYYY-MM-DD` inclusive, local time. */
  validFrom?: string;
  validTo?: string;
  /** Route corridors only: half of `widthM` either side of the centre line. */
  widthM?: number;
  /** Route corridors only: per-segment widths and limits (segment i joins vertex i and i+1). */
  segmentWidthsM?: number[];
  segmentLimitsKmh?: Array<number | null>;
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.Point | GeoJSON.LineString;
  /** Circles only: the Point's radius. */
  radiusM?: number;
}

/** Where a point is relative to one zone. */
export interface ZoneHit {
  zone: Zone;
  /** 0 inside; else metres to the zone's edge (for a corridor: beyond its half-width). */
  distanceM: number;
  /** Route corridors only: the segment the point is nearest to. */
  segment?: number;
}

/** The questions detectors ask, answered with a spatial index so thousands of zones cost little. */
export interface ZoneIndex {
  readonly zones: readonly Zone[];
  /** Zones active at `atMs` that contain the point (within `marginM` of their edge, default 0). */
  containing(lon: number, lat: number, atMs: number, marginM?: number): ZoneHit[];
  /** The nearest active zone of a kind, or null when there is none. */
  nearest(lon: number, lat: number, kind: ZoneKind, atMs: number): ZoneHit | null;
  /**
   * The speed limit at a point and time: the lowest of the speed zones containing it and its
   * route segment's limit (night limits in their hours); null when no zone sets one.
   */
  speedLimitAt(lon: number, lat: number, atMs: number): { limitKmh: number; zoneId: string; segment?: number } | null;
}
