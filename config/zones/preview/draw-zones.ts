/**
 * Zones as SVG, each one group `<g class="zone" data-zone-id="…">` (tests count them):
 *
 *   polygon   one path, every ring, even-odd fill so holes stay open;
 *   circle    a circle of radiusM on the map's scale;
 *   corridor  the centre line stroked at the corridor's width in pixels, with round joins and
 *             caps: exactly the agent's corridor (every point within half the width of a
 *             segment). Per-segment widths draw one line per segment; the group's opacity
 *             keeps the overlaps at the joints from darkening.
 */
import type { Zone } from "../zone.js";
import type { Projection } from "./projection.js";
import { element, px, text, title } from "./svg.js";
import { FONT, KIND_ORDER, KIND_STYLE } from "./style.js";
import { limitText, sizeText, windowsText } from "./windows-text.js";

export function drawZones(zones: readonly Zone[], projection: Projection): string {
  const ordered = [...zones].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
  return element(
    "g",
    { id: "zones" },
    ordered.map((zone) => drawZone(zone, projection)),
  );
}

function drawZone(zone: Zone, projection: Projection): string {
  const style = KIND_STYLE[zone.kind];
  const shape =
    zone.geometry.type === "LineString" ? corridor(zone, projection) : area(zone, projection);
  const about = [zone.name, zone.kind, sizeText(zone), limitText(zone), windowsText(zone)].filter(
    Boolean,
  );
  return element(
    "g",
    {
      class: "zone",
      "data-zone-id": zone.id,
      "data-kind": zone.kind,
      ...(zone.geometry.type === "LineString" ? { opacity: 0.55 } : { "fill-opacity": 0.45 }),
      fill: style.fill,
      stroke: style.stroke,
    },
    [title(`${zone.id}: ${about.join(" · ")}`), shape],
  );
}

function area(zone: Zone, projection: Projection): string {
  const geometry = zone.geometry;
  if (geometry.type === "Point") {
    const [cx, cy] = projection.toPx(geometry.coordinates);
    return element("circle", {
      cx,
      cy,
      r: (zone.radiusM ?? 0) * projection.pxPerM,
      "stroke-width": 1.5,
    });
  }

  const polygons =
    geometry.type === "Polygon"
      ? [geometry.coordinates]
      : (geometry.coordinates as GeoJSON.Position[][][]);
  const d = polygons
    .flat()
    .map(
      (ring) =>
        `M${ring.map((position) => projection.toPx(position).map(px).join(",")).join("L")}Z`,
    )
    .join("");
  const dashed = zone.kind === "speed_zone" ? "8 4" : undefined;
  return element("path", {
    d,
    "fill-rule": "evenodd",
    "stroke-width": 1.5,
    "stroke-dasharray": dashed,
  });
}

function corridor(zone: Zone, projection: Projection): string {
  const line = (zone.geometry as GeoJSON.LineString).coordinates.map((position) =>
    projection.toPx(position),
  );
  const common = {
    fill: "none",
    stroke: KIND_STYLE.route.fill,
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
  };
  const centre = element("polyline", {
    points: line.map((point) => point.map(px).join(",")).join(" "),
    fill: "none",
    stroke: KIND_STYLE.route.stroke,
    "stroke-width": 1,
    "stroke-dasharray": "6 4",
    class: "centre-line",
  });

  if (zone.segmentWidthsM === undefined) {
    const width = (zone.widthM ?? 0) * projection.pxPerM;
    const points = line.map((point) => point.map(px).join(",")).join(" ");
    return (
      element("polyline", { ...common, points, "stroke-width": width, class: "corridor" }) + centre
    );
  }
  const segments = zone.segmentWidthsM.map((widthM, i) => {
    const [[x1, y1], [x2, y2]] = [line[i]!, line[i + 1]!];
    return element("line", {
      ...common,
      x1,
      y1,
      x2,
      y2,
      "stroke-width": widthM * projection.pxPerM,
      class: "corridor",
    });
  });
  return segments.join("") + centre;
}

/**
 * Names on top of everything, with a white halo so they read over any colour. A label that would
 * cover one already placed moves down until it does not (greedy, in file order; text widths are
 * estimated, since an SVG writer cannot measure text).
 */
export function drawLabels(zones: readonly Zone[], projection: Projection): string {
  const placed: Box[] = [];
  const labels = zones.map((zone) => {
    const extra = [limitText(zone), windowsText(zone)].filter(Boolean).join(" · ");
    const [x, wantedY] = labelPoint(zone, projection);
    const box = freeBox(
      placed,
      x,
      wantedY,
      Math.max(zone.name.length * 8, extra.length * 6.2),
      extra === "" ? 16 : 31,
    );
    placed.push(box);

    const y = box.top + 12;
    const attributes = {
      x,
      "text-anchor": "middle",
      "font-family": FONT,
      "paint-order": "stroke",
      stroke: "#fff",
      "stroke-width": 3,
    };
    return element("g", { class: "label", "data-zone-id": zone.id }, [
      text(zone.name, {
        ...attributes,
        y,
        "font-size": 13,
        "font-weight": "bold",
        fill: "#212121",
      }),
      ...(extra === ""
        ? []
        : [text(extra, { ...attributes, y: y + 15, "font-size": 11, fill: "#424242" })]),
    ]);
  });
  return element("g", { id: "labels" }, labels);
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const MAX_LABEL_MOVES = 12;

function freeBox(
  placed: readonly Box[],
  x: number,
  baselineY: number,
  width: number,
  height: number,
): Box {
  let box = {
    left: x - width / 2,
    right: x + width / 2,
    top: baselineY - 12,
    bottom: baselineY - 12 + height,
  };
  for (let move = 0; move < MAX_LABEL_MOVES; move++) {
    const hit = placed.find(
      (other) =>
        box.left < other.right &&
        other.left < box.right &&
        box.top < other.bottom &&
        other.top < box.bottom,
    );
    if (hit === undefined) break;
    box = { ...box, top: hit.bottom + 2, bottom: hit.bottom + 2 + height };
  }
  return box;
}

/** A site's centre (its box's), or a route's middle vertex. */
function labelPoint(zone: Zone, projection: Projection): [number, number] {
  const geometry = zone.geometry;
  if (geometry.type === "Point") {
    const [x, y] = projection.toPx(geometry.coordinates);
    return [x, y - (zone.radiusM ?? 0) * projection.pxPerM - 8];
  }
  if (geometry.type === "LineString") {
    const middle = geometry.coordinates.slice(1, -1);
    const at =
      middle.length > 0 ? middle[Math.floor(middle.length / 2)]! : geometry.coordinates[0]!;
    const [x, y] = projection.toPx(at);
    return [x, y - 12];
  }
  const outer =
    geometry.type === "Polygon" ? geometry.coordinates[0]! : geometry.coordinates[0]![0]!;
  const points = outer.map((position) => projection.toPx(position));
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}
