/**
 * The track as polylines, one per run of fixes in the same speed class (so a 1 Hz drive of an
 * hour is tens of elements, not thousands); a gap of more than `maxGapS` breaks the line, since
 * where the truck went in between is unknown. Events are markers where they happened.
 */
import type { Projection } from "./projection.js";
import { element, px, text, title } from "./svg.js";
import { FONT, SEVERITY_COLOUR, SPEED_STYLE } from "./style.js";
import type { JudgedFix } from "./track.js";

export interface MapEvent {
  type: string;
  severity: string;
  lon: number;
  lat: number;
  at: string;
  summary: string;
}

export function drawTrack(
  fixes: readonly JudgedFix[],
  projection: Projection,
  maxGapS: number,
): string {
  const runs: Array<{ speedClass: JudgedFix["speedClass"]; fixes: JudgedFix[] }> = [];
  let previous: JudgedFix | undefined;

  for (const fix of fixes) {
    const run = runs.at(-1);
    const broken = previous === undefined || fix.atMs - previous.atMs > maxGapS * 1000;
    if (run === undefined || broken) runs.push({ speedClass: fix.speedClass, fixes: [fix] });
    else if (fix.speedClass === run.speedClass) run.fixes.push(fix);
    else {
      // The run ends at this fix and the next starts from it, so the line has no hole.
      run.fixes.push(fix);
      runs.push({ speedClass: fix.speedClass, fixes: [fix] });
    }
    previous = fix;
  }

  const lines = runs
    .filter((run) => run.fixes.length > 1)
    .map((run) =>
      element("polyline", {
        class: `track ${run.speedClass}`,
        points: run.fixes
          .map((fix) => projection.toPx([fix.lon, fix.lat]).map(px).join(","))
          .join(" "),
        fill: "none",
        stroke: SPEED_STYLE[run.speedClass].colour,
        "stroke-width": 3,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
      }),
    );
  return element("g", { id: "track" }, lines);
}

export function drawEvents(events: readonly MapEvent[], projection: Projection): string {
  const markers = events.map((event, i) => {
    const [x, y] = projection.toPx([event.lon, event.lat]);
    const colour = SEVERITY_COLOUR[event.severity] ?? "#616161";
    return element(
      "g",
      { class: "event", "data-type": event.type, "data-severity": event.severity },
      [
        title(`${event.at} ${event.type}: ${event.summary}`),
        element("circle", { cx: x, cy: y, r: 8, fill: colour, stroke: "#fff", "stroke-width": 2 }),
        text(String(i + 1), {
          x,
          y: y + 4,
          "text-anchor": "middle",
          "font-size": 10,
          "font-weight": "bold",
          "font-family": FONT,
          fill: "#fff",
        }),
      ],
    );
  });
  return element("g", { id: "events" }, markers);
}
