/**
 * Disposal sites that overlap or touch. An unload in the shared ground is credited to whichever
 * site comes first in the file, so the trip's destination — what the disposal fee and the
 * manifest are reconciled against — is ambiguous there.
 */
import turfBbox from "@turf/bbox";
import booleanIntersects from "@turf/boolean-intersects";
import { finding, nameOf, type Finding, type PlacedZone } from "./check-finding.js";
import { zoneArea } from "./zone-area.js";

export function overlappingDisposalSites(zones: readonly PlacedZone[]): Finding[] {
  const sites = zones
    .filter(({ zone }) => zone.kind === "disposal_site")
    .map((placed) => ({ placed, area: zoneArea(placed.zone) }))
    .map((site) => ({ ...site, box: turfBbox(site.area) }));
  const findings: Finding[] = [];

  sites.forEach((site, i) => {
    for (const earlier of sites.slice(0, i)) {
      if (!boxesMeet(site.box, earlier.box) || !booleanIntersects(site.area, earlier.area))
        continue;
      findings.push(
        finding(
          "warning",
          "overlapping_disposal",
          { index: site.placed.index },
          {
            message:
              `disposal site overlaps or touches disposal site ${nameOf(earlier.placed)}: an ` +
              `unload there could be credited to either`,
            expected: "disposal sites apart from each other",
            found: `shared ground with "${earlier.placed.zone.id}"`,
          },
        ),
      );
    }
  });
  return findings;
}

function boxesMeet(a: number[], b: number[]): boolean {
  return a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
}
