/**
 * Points between two fixes, so zone checks see what the truck passed between sparse fixes: at
 * 60 km/h and one fix in 5 s, a 50 m site lies wholly between two fixes. Only across gaps short
 * enough that the straight line is the road (`maxGapS`); after a longer loss of fix the path is
 * unknown, and inventing one could place the truck in a zone it never entered.
 */
import { between, distanceM } from "./geo.js";
import type { TrackPoint } from "./track-point.js";

/** The points to judge for `to`: interpolated ones every `stepM` from `from`, then `to` itself. */
export function resample(
  from: TrackPoint | null,
  to: TrackPoint,
  stepM: number,
  maxGapS: number,
): TrackPoint[] {
  if (from === null || to.atMs - from.atMs > maxGapS * 1000) return [to];
  const gapM = distanceM(from, to);
  const steps = Math.ceil(gapM / stepM);
  if (steps <= 1) return [to];

  const points: TrackPoint[] = [];
  for (let i = 1; i < steps; i++) {
    const fraction = i / steps;
    const { lat, lon } = between(from, to, fraction);
    const atMs = Math.round(from.atMs + (to.atMs - from.atMs) * fraction);
    points.push({ atMs, lat, lon, speedKmh: from.speedKmh + (to.speedKmh - from.speedKmh) * fraction });
  }
  points.push(to);
  return points;
}
