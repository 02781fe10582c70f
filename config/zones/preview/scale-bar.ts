/**
 * A scale bar of a round length (1, 2 or 5 × 10ⁿ metres) close to a fifth of the map's width,
 * drawn with the projection's own pixels per metre.
 */
import { element, text } from "./svg.js";
import { FONT } from "./style.js";

export function roundLengthM(maxM: number): number {
  const power = 10 ** Math.floor(Math.log10(maxM));
  const step = [5, 2, 1].find((factor) => factor * power <= maxM) ?? 1;
  return step * power;
}

export function drawScaleBar(x: number, y: number, mapWidthPx: number, pxPerM: number): string {
  const lengthM = roundLengthM(mapWidthPx / 5 / pxPerM);
  const lengthPx = lengthM * pxPerM;
  const label = lengthM >= 1000 ? `${lengthM / 1000} km` : `${lengthM} m`;

  return element("g", { id: "scale-bar", "data-length-m": lengthM }, [
    element("rect", {
      x: x - 6,
      y: y - 20,
      width: lengthPx + 12,
      height: 30,
      fill: "#fff",
      "fill-opacity": 0.8,
    }),
    element("line", {
      class: "bar",
      x1: x,
      y1: y,
      x2: x + lengthPx,
      y2: y,
      stroke: "#212121",
      "stroke-width": 3,
    }),
    element("line", { x1: x, y1: y - 6, x2: x, y2: y + 4, stroke: "#212121", "stroke-width": 2 }),
    element("line", {
      x1: x + lengthPx,
      y1: y - 6,
      x2: x + lengthPx,
      y2: y + 4,
      stroke: "#212121",
      "stroke-width": 2,
    }),
    text(label, {
      x: x + lengthPx / 2,
      y: y - 6,
      "text-anchor": "middle",
      "font-size": 12,
      "font-family": FONT,
    }),
  ]);
}
