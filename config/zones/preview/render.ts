/**
 * The preview map: zones to scale, the replayed track coloured by speed, events, labels, a scale
 * bar, a north arrow and the legend, as one standalone SVG with no tiles and no fonts to fetch.
 */
import { compileShape } from "../shapes.js";
import type { Zone } from "../zone.js";
import { drawLabels, drawZones } from "./draw-zones.js";
import { drawEvents, drawTrack, type MapEvent } from "./draw-track.js";
import { drawLegend, LEGEND_WIDTH } from "./legend.js";
import { fitProjection } from "./projection.js";
import { drawScaleBar } from "./scale-bar.js";
import { element, text } from "./svg.js";
import { FONT, type SpeedClass } from "./style.js";
import type { JudgedFix, SpeedRules } from "./track.js";

export interface PreviewInput {
  title: string;
  timeZone: string;
  zones: readonly Zone[];
  track?: { fixes: readonly JudgedFix[]; rules: SpeedRules; maxGapS: number };
  events?: readonly MapEvent[];
}

const MAP_WIDTH = 900;
const MARGIN = 40;

export function renderPreview(input: PreviewInput): string {
  const box = bounds(input);
  const aspect = boxAspect(box);
  const mapHeight = Math.min(1100, Math.max(450, MAP_WIDTH * aspect));
  const projection = fitProjection(box, {
    x: MARGIN,
    y: MARGIN,
    width: MAP_WIDTH,
    height: mapHeight,
  });

  const events = input.events ?? [];
  const classes = new Set<SpeedClass>(input.track?.fixes.map((fix) => fix.speedClass) ?? []);
  const legendX = MAP_WIDTH + 2 * MARGIN;
  const legend = drawLegend(
    {
      title: input.title,
      timeZone: input.timeZone,
      zones: input.zones,
      events,
      ...(input.track ? { speed: { rules: input.track.rules, classes } } : {}),
    },
    legendX,
    MARGIN,
  );

  const width = legendX + LEGEND_WIDTH;
  const height = Math.max(mapHeight + 2 * MARGIN, legend.height + 2 * MARGIN);
  const mapBottom = MARGIN + mapHeight;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      "data-px-per-m": projection.pxPerM.toPrecision(6),
    },
    [
      element("rect", { width, height, fill: "#ffffff" }),
      element("rect", {
        x: MARGIN / 2,
        y: MARGIN / 2,
        width: MAP_WIDTH + MARGIN,
        height: mapHeight + MARGIN,
        fill: "#f4f4ee",
        stroke: "#bdbdbd",
      }),
      drawZones(input.zones, projection),
      input.track ? drawTrack(input.track.fixes, projection, input.track.maxGapS) : "",
      drawLabels(input.zones, projection),
      drawEvents(events, projection),
      drawScaleBar(MARGIN, mapBottom - 4, MAP_WIDTH, projection.pxPerM),
      northArrow(MARGIN + MAP_WIDTH - 10, MARGIN + 10),
      legend.svg,
    ],
  )}\n`;
}

/** [west, south, east, north] around every zone (corridor widths, radii), fix and event. */
function bounds(input: PreviewInput): number[] {
  const boxes = input.zones.map((zone) => compileShape(zone).bbox as number[]);
  const points = [...(input.track?.fixes ?? []), ...(input.events ?? [])].map((p) => [
    p.lon,
    p.lat,
    p.lon,
    p.lat,
  ]);
  const all = [...boxes, ...points];
  if (all.length === 0) return [-0.001, -0.001, 0.001, 0.001];
  return [
    Math.min(...all.map((b) => b[0]!)),
    Math.min(...all.map((b) => b[1]!)),
    Math.max(...all.map((b) => b[2]!)),
    Math.max(...all.map((b) => b[3]!)),
  ];
}

function boxAspect([west, south, east, north]: number[]): number {
  const cos = Math.cos((((south! + north!) / 2) * Math.PI) / 180);
  const widthDeg = Math.max((east! - west!) * cos, 1e-6);
  return Math.max(north! - south!, 1e-6) / widthDeg;
}

function northArrow(x: number, y: number): string {
  return element("g", { id: "north" }, [
    element("path", {
      d: `M${x},${y}L${x - 7},${y + 20}L${x},${y + 15}L${x + 7},${y + 20}Z`,
      fill: "#212121",
    }),
    text("N", {
      x,
      y: y + 34,
      "text-anchor": "middle",
      "font-size": 12,
      "font-weight": "bold",
      "font-family": FONT,
    }),
  ]);
}
