/**
 * The legend panel: what each colour means, every zone with its size, limit and time windows
 * (in the file's time zone), the track's speed classes and the numbered events.
 */
import type { Zone, ZoneKind } from "../zone.js";
import { element, text } from "./svg.js";
import {
  FONT,
  KIND_ORDER,
  KIND_STYLE,
  SEVERITY_COLOUR,
  SPEED_STYLE,
  type SpeedClass,
} from "./style.js";
import type { MapEvent } from "./draw-track.js";
import type { SpeedRules } from "./track.js";
import { limitText, sizeText, windowsText } from "./windows-text.js";

export const LEGEND_WIDTH = 400;
const LINE = 16;
const MAX_ZONES_LISTED = 40;

export interface LegendInput {
  title: string;
  timeZone: string;
  zones: readonly Zone[];
  /** Present when a track is drawn. */
  speed?: { rules: SpeedRules; classes: ReadonlySet<SpeedClass> };
  events: readonly MapEvent[];
}

/** The legend's SVG and the height it takes. */
export function drawLegend(
  input: LegendInput,
  x: number,
  top: number,
): { svg: string; height: number } {
  const items: string[] = [];
  let y = top;
  const line = (content: string, attributes: Record<string, string | number> = {}) => {
    items.push(
      text(content, { x, y, "font-size": 12, "font-family": FONT, fill: "#212121", ...attributes }),
    );
    y += LINE;
  };
  const heading = (content: string) => {
    y += 6;
    line(content, { "font-size": 13, "font-weight": "bold" });
  };
  /** `swatch(top)` draws the symbol in the 22 × 12 px box whose top is `top`. */
  const entry = (key: string, swatch: (top: number) => string, label: string, note?: string) => {
    const lines = [
      text(label, { x: x + 30, y, "font-size": 12, "font-family": FONT, fill: "#212121" }),
    ];
    if (note !== undefined && note !== "") {
      lines.push(
        text(note, { x: x + 30, y: y + 14, "font-size": 11, "font-family": FONT, fill: "#616161" }),
      );
    }
    items.push(
      element("g", { class: "legend-entry", "data-entry": key }, [swatch(y - 10), ...lines]),
    );
    y += note === undefined || note === "" ? LINE + 2 : LINE + 16;
  };

  line(input.title, { "font-size": 15, "font-weight": "bold" });
  line(`times in ${input.timeZone}`, { fill: "#616161" });

  heading("Zones");
  const kinds = KIND_ORDER.filter((kind) => input.zones.some((zone) => zone.kind === kind));
  for (const kind of kinds) entry(`kind:${kind}`, kindSwatch(kind, x), KIND_STYLE[kind].label);

  const listed = input.zones.slice(0, MAX_ZONES_LISTED);
  for (const zone of listed) {
    const facts = [zone.kind, sizeText(zone), limitText(zone)].filter(Boolean).join(", ");
    entry(
      `zone:${zone.id}`,
      kindSwatch(zone.kind, x),
      `${zone.id}: ${facts}`,
      windowsText(zone) || "always",
    );
  }
  if (input.zones.length > listed.length)
    line(`… and ${input.zones.length - listed.length} more zones`);

  if (input.speed !== undefined) {
    heading("Track: speed against the limit there");
    for (const speedClass of ["within", "tolerance", "over"] as const) {
      const { colour, label } = SPEED_STYLE[speedClass];
      const swatch = (top: number) =>
        element("line", {
          x1: x,
          y1: top + 6,
          x2: x + 22,
          y2: top + 6,
          stroke: colour,
          "stroke-width": 4,
        });
      entry(`speed:${speedClass}`, swatch, label);
    }
    const { defaultLimitKmh, toleranceKmh } = input.speed.rules;
    line(
      `limit: the zone's or segment's, else ${defaultLimitKmh} km/h; tolerance ${toleranceKmh} km/h`,
      { "font-size": 11, fill: "#616161" },
    );
  }

  if (input.events.length > 0) {
    heading("Events");
    input.events.forEach((event, i) => {
      const colour = SEVERITY_COLOUR[event.severity] ?? "#616161";
      const number = {
        "text-anchor": "middle",
        "font-size": 10,
        "font-weight": "bold",
        "font-family": FONT,
        fill: "#fff",
      };
      const swatch = (top: number) =>
        element("circle", { cx: x + 11, cy: top + 6, r: 8, fill: colour }) +
        text(String(i + 1), { ...number, x: x + 11, y: top + 10 });
      entry(
        `event:${i + 1}`,
        swatch,
        `${localClock(event.at, input.timeZone)} ${event.type} (${event.severity})`,
        event.summary,
      );
    });
  }
  return { svg: element("g", { id: "legend" }, items), height: y - top };
}

function kindSwatch(kind: ZoneKind, x: number): (top: number) => string {
  const { fill, stroke } = KIND_STYLE[kind];
  return (top) =>
    element("rect", { x, y: top, width: 22, height: 12, fill, stroke, "stroke-width": 1.5 });
}

function localClock(iso: string, timeZone: string): string {
  const atMs = Date.parse(iso);
  if (Number.isNaN(atMs)) return iso;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(atMs);
}
