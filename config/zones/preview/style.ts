/** Colours and words of the preview, in one place so the legend and the drawing agree. */
import type { ZoneKind } from "../zone.js";

export const KIND_STYLE: Record<ZoneKind, { fill: string; stroke: string; label: string }> = {
  loading_site: { fill: "#a1887f", stroke: "#5d4037", label: "loading site" },
  disposal_site: { fill: "#7986cb", stroke: "#283593", label: "disposal site" },
  route: { fill: "#90a4ae", stroke: "#455a64", label: "route corridor (width to scale)" },
  speed_zone: { fill: "#ffe0b2", stroke: "#ef6c00", label: "speed zone" },
  no_go: { fill: "#ce93d8", stroke: "#6a1b9a", label: "no-go area" },
};

/** Drawn first to last: large areas under sites, corridors over them. */
export const KIND_ORDER: ZoneKind[] = [
  "speed_zone",
  "no_go",
  "loading_site",
  "disposal_site",
  "route",
];

export type SpeedClass = "within" | "tolerance" | "over";

export const SPEED_STYLE: Record<SpeedClass, { colour: string; label: string }> = {
  within: { colour: "#2e7d32", label: "at or below the limit" },
  tolerance: { colour: "#f9a825", label: "above the limit, within tolerance" },
  over: { colour: "#d50000", label: "above limit + tolerance" },
};

export const SEVERITY_COLOUR: Record<string, string> = {
  info: "#0277bd",
  warning: "#ff8f00",
  alarm: "#d50000",
};

export const FONT = "DejaVu Sans, Arial, sans-serif";
