/**
 * The preview's map projection: the agent's own tangent plane (metric.ts) at the centre of what
 * is drawn, scaled to pixels, north up. Within a few kilometres it is true to scale in every
 * direction, so a corridor's width, a circle's radius and the scale bar share one pixels-per-metre.
 */
import { eastM, localFrame, northM, type LocalFrame } from "../metric.js";

export interface Projection {
  pxPerM: number;
  /** [x, y] in pixels of a [lon, lat] position. */
  toPx(position: readonly number[]): [number, number];
}

export interface Viewport {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fit the box [west, south, east, north] into the viewport, keeping metres square. */
export function fitProjection(box: readonly number[], viewport: Viewport): Projection {
  const [west, south, east, north] = box as [number, number, number, number];
  const frame: LocalFrame = localFrame((west + east) / 2, (south + north) / 2);
  const widthM = Math.max(eastM(frame, east) - eastM(frame, west), 1);
  const heightM = Math.max(northM(frame, north) - northM(frame, south), 1);
  const pxPerM = Math.min(viewport.width / widthM, viewport.height / heightM);

  const centreX = viewport.x + viewport.width / 2;
  const centreY = viewport.y + viewport.height / 2;
  return {
    pxPerM,
    toPx: ([lon, lat]) => [
      centreX + eastM(frame, lon!) * pxPerM,
      centreY - northM(frame, lat!) * pxPerM,
    ],
  };
}
