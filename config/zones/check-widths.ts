/**
 * Corridors too narrow for GNSS to keep a truck on the road inside them. A corridor is judged
 * by its narrowest segment; half of its width lies either side of the centre line.
 *
 *   error    under 10 m: a gated fix is off by up to 5 m even under open sky, so a truck driving
 *            the centre line is outside the corridor — and outside its speed limit — much of
 *            the time.
 *   warning  under 30 m: urban GNSS error reaches 15 m (2σ) at the HDOP the fix gate passes;
 *            in streets between tall buildings the truck drops out of the corridor.
 */
import { finding, type Finding, type PlacedZone } from "./check-finding.js";
import { segmentWidthsM } from "./zone-area.js";

export const CORRIDOR_ERROR_BELOW_M = 10;
export const CORRIDOR_WARNING_BELOW_M = 30;

export function narrowCorridors(zones: readonly PlacedZone[]): Finding[] {
  return zones.flatMap(({ zone, index }) => {
    const widths = segmentWidthsM(zone);
    if (widths.length === 0) return [];

    const narrowestM = Math.min(...widths);
    const segment = widths.indexOf(narrowestM);
    const field = zone.segmentWidthsM === undefined ? "widthM" : "segmentWidthsM";
    const where = zone.segmentWidthsM === undefined ? "" : ` on segment ${segment}`;

    if (narrowestM < CORRIDOR_ERROR_BELOW_M) {
      return [
        finding(
          "error",
          "narrow_corridor",
          { index, field },
          {
            message:
              `corridor is ${narrowestM} m wide${where}: narrower than GNSS error allows, a ` +
              `truck on its centre line reads outside it (fixes are off by up to 5 m even ` +
              `under open sky)`,
            expected: `at least ${CORRIDOR_ERROR_BELOW_M} m, ${CORRIDOR_WARNING_BELOW_M} m in towns`,
            found: `${narrowestM} m`,
          },
        ),
      ];
    }
    if (narrowestM < CORRIDOR_WARNING_BELOW_M) {
      return [
        finding(
          "warning",
          "narrow_corridor",
          { index, field },
          {
            message:
              `corridor is ${narrowestM} m wide${where}: urban GNSS error reaches 15 m, so ` +
              `between tall buildings a truck on the road drops out of it and its limit`,
            expected: `at least ${CORRIDOR_WARNING_BELOW_M} m`,
            found: `${narrowestM} m`,
          },
        ),
      ];
    }
    return [];
  });
}
