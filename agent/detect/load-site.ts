/**
 * Where a load or an unload happened, with the GPS error margin (`load.siteMarginM`) explicit:
 * an unload within the margin of a disposal site is an unload there, and the event says how far
 * from its edge the fix was. Disposal sites win over loading sites when both are near (a
 * recycling yard that is both), since that reading never accuses.
 *
 *   unload inside (or within the margin of) a disposal site → unload, with the site
 *   … of a loading site                                      → unload_at_origin
 *   anywhere else                                            → illegal_dump, with the nearest
 *                                                              disposal site and the distance
 *   load inside (or within the margin of) a loading site     → load, with the site
 *   anywhere else                                            → unauthorized_load
 * Without any site of the kind in the zone file, nothing can be judged: a plain load or unload
 * with `classified: false`, never an accusation from missing data.
 */
import type { ZoneHit, ZoneIndex, ZoneKind } from "../../config/zones/zone.js";
import { round1 } from "./geo.js";
import type { Position } from "./load-watch.js";

export interface SiteVerdict {
  type: "load" | "unauthorized_load" | "unload" | "unload_at_origin" | "illegal_dump";
  details: Record<string, unknown>;
}

export function classifyUnload(
  zones: ZoneIndex | null,
  where: Position | null,
  atMs: number,
  marginM: number,
): SiteVerdict {
  if (!hasKind(zones, "disposal_site") || where === null)
    return { type: "unload", details: { classified: false, siteId: null } };

  const disposal = nearestWithin(zones!, where, atMs, marginM, "disposal_site");
  if (disposal !== null) return { type: "unload", details: siteDetails(disposal, marginM) };
  const origin = nearestWithin(zones!, where, atMs, marginM, "loading_site");
  if (origin !== null) return { type: "unload_at_origin", details: siteDetails(origin, marginM) };

  const nearest = zones!.nearest(where.lon, where.lat, "disposal_site", atMs);
  return {
    type: "illegal_dump",
    details: {
      siteId: null,
      marginM,
      nearestDisposalSiteId: nearest?.zone.id ?? null,
      nearestDisposalSiteName: nearest?.zone.name ?? null,
      distanceToDisposalM: nearest === null ? null : round1(nearest.distanceM),
    },
  };
}

export function classifyLoad(
  zones: ZoneIndex | null,
  where: Position | null,
  atMs: number,
  marginM: number,
): SiteVerdict {
  if (!hasKind(zones, "loading_site") || where === null)
    return { type: "load", details: { classified: false, siteId: null } };

  const site = nearestWithin(zones!, where, atMs, marginM, "loading_site");
  if (site !== null) return { type: "load", details: siteDetails(site, marginM) };

  const nearest = zones!.nearest(where.lon, where.lat, "loading_site", atMs);
  return {
    type: "unauthorized_load",
    details: {
      siteId: null,
      marginM,
      nearestLoadingSiteId: nearest?.zone.id ?? null,
      distanceToLoadingSiteM: nearest === null ? null : round1(nearest.distanceM),
    },
  };
}

function hasKind(zones: ZoneIndex | null, kind: ZoneKind): boolean {
  return zones !== null && zones.zones.some((zone) => zone.kind === kind);
}

function nearestWithin(
  zones: ZoneIndex,
  where: Position,
  atMs: number,
  marginM: number,
  kind: ZoneKind,
): ZoneHit | null {
  const hits = zones.containing(where.lon, where.lat, atMs, marginM).filter((hit) => hit.zone.kind === kind);
  return hits.reduce<ZoneHit | null>(
    (best, hit) => (best === null || hit.distanceM < best.distanceM ? hit : best),
    null,
  );
}

function siteDetails(hit: ZoneHit, marginM: number): Record<string, unknown> {
  return { siteId: hit.zone.id, siteName: hit.zone.name, distanceM: round1(hit.distanceM), marginM };
}
