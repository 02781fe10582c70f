import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOMParser, type Element } from "@xmldom/xmldom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distanceM } from "../../config/zones/metric.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { CLI_BUDGET_MS, FILES, muckAgent } from "./cli.js";
import { at, PLACES } from "./files/layout.js";

let dir: TempDir;
let svg: Element;
let stdout: string;
const zones = JSON.parse(readFileSync(join(FILES, "all-kinds.geojson"), "utf8")).features.map(
  (feature: { properties: Record<string, unknown> }) => feature.properties,
);

beforeAll(async () => {
  dir = await makeTempDir("muck-preview-");
  const out = join(dir.path, "map.svg");
  const run = await muckAgent(
    "zones",
    "preview",
    join(FILES, "all-kinds.geojson"),
    "--track",
    join(FILES, "haul-drive.nmea"),
    "--events",
    join(FILES, "haul-events.ndjson"),
    "--out",
    out,
  );
  expect(run.exitCode, run.stderr).toBe(0);
  stdout = run.stdout;

  const errors: string[] = [];
  const parser = new DOMParser({
    onError: (level, message) => void (level !== "warning" && errors.push(message)),
  });
  svg = parser.parseFromString(readFileSync(out, "utf8"), "image/svg+xml").documentElement!;
  expect(errors).toEqual([]);
}, CLI_BUDGET_MS);
afterAll(() => dir.remove());

const all = (tag: string, root: Element = svg) => Array.from(root.getElementsByTagName(tag));
const byClass = (tag: string, cls: string, root: Element = svg) =>
  all(tag, root).filter((element) =>
    (element.getAttribute("class") ?? "").split(" ").includes(cls),
  );
const num = (element: Element, name: string) => Number(element.getAttribute(name));
const zoneGroup = (id: string) =>
  byClass("g", "zone").find((g) => g.getAttribute("data-zone-id") === id)!;

describe("zones preview", () => {
  it("draws one group per zone, with its id and kind", () => {
    const groups = byClass("g", "zone");
    expect(groups.map((g) => g.getAttribute("data-zone-id")).sort()).toEqual(
      zones.map((z: { id: string }) => z.id).sort(),
    );
    expect(zoneGroup("school-gate").getAttribute("data-kind")).toBe("no_go");
    expect(all("circle", zoneGroup("transfer-south"))).toHaveLength(1);
    expect(all("path", zoneGroup("east-quarry"))).toHaveLength(1);
  });

  it("draws corridors and circles to the map's scale, and the map's scale to the ground", () => {
    const pxPerM = num(svg, "data-px-per-m");

    const haul = byClass("line", "corridor", zoneGroup("haul-road"));
    expect(haul.map((line) => num(line, "stroke-width") / pxPerM)).toEqual(
      [40, 30, 30, 40, 40].map((widthM) => expect.closeTo(widthM, 0)),
    );
    const link = byClass("polyline", "corridor", zoneGroup("night-link"))[0]!;
    expect(num(link, "stroke-width") / pxPerM).toBeCloseTo(30, 0);
    expect(num(all("circle", zoneGroup("school-gate"))[0]!, "r") / pxPerM).toBeCloseTo(150, 0);

    // The circles' centres are as far apart on the map as the places are on the ground.
    const centre = (id: string) => all("circle", zoneGroup(id))[0]!;
    const [school, transfer] = [centre("school-gate"), centre("transfer-south")];
    const px = Math.hypot(
      num(school, "cx") - num(transfer, "cx"),
      num(school, "cy") - num(transfer, "cy"),
    );
    const [a, b] = [at(PLACES.school), at(PLACES.transfer)];
    expect(px / pxPerM / distanceM(a[0], a[1], b[0], b[1])).toBeCloseTo(1, 2);
  });

  it("has a scale bar of a round length that is as long as the projection says", () => {
    const bar = svg.getElementsByTagName("g");
    const scale = Array.from(bar).find((g) => g.getAttribute("id") === "scale-bar")!;
    const lengthM = num(scale, "data-length-m");
    const line = byClass("line", "bar", scale)[0]!;

    expect(String(lengthM)).toMatch(/^[125]0*$/);
    expect((num(line, "x2") - num(line, "x1")) / num(svg, "data-px-per-m")).toBeCloseTo(
      lengthM,
      -1,
    );
    expect(all("text", scale)[0]!.textContent).toBe(
      lengthM >= 1000 ? `${lengthM / 1000} km` : `${lengthM} m`,
    );
  });

  it("lists every kind and zone in the legend, with each zone's time windows", () => {
    const entries = new Map(
      byClass("g", "legend-entry").map((g) => [
        g.getAttribute("data-entry"),
        all("text", g)
          .map((t) => t.textContent)
          .join(" | "),
      ]),
    );
    for (const kind of ["loading_site", "disposal_site", "route", "speed_zone", "no_go"]) {
      expect(entries.has(`kind:${kind}`), kind).toBe(true);
    }
    expect(entries.get("zone:night-link")).toBe(
      "night-link: route, 30 m wide, 40 km/h | 22:00–05:00",
    );
    expect(entries.get("zone:transfer-south")).toBe(
      "transfer-south: disposal_site, r 120 m | 20:00–06:00 · 2026-01-01 to 2030-12-31",
    );
    expect(entries.get("zone:haul-road")).toContain("night 30 km/h 22:00–06:00");
    expect(entries.get("zone:pit-7")).toContain("| always");
    expect([...entries.keys()].filter((key) => key!.startsWith("speed:"))).toEqual([
      "speed:within",
      "speed:tolerance",
      "speed:over",
    ]);
    expect([...entries.keys()].filter((key) => key!.startsWith("event:"))).toHaveLength(5);
  });

  it("colours the track red only where the truck was above limit + tolerance", () => {
    // 45 km/h through the 30 km/h village, and 42 km/h reaching the quarry gate, where the
    // 15 km/h segment's corridor begins (its round end reaches 20 m before the gate).
    const pxPerM = num(svg, "data-px-per-m");
    const village = all("path", zoneGroup("village"))[0]!.getAttribute("d")!;
    const corners = [...village.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const [left, right] = [
      Math.min(...corners.map((c) => c[0]!)),
      Math.max(...corners.map((c) => c[0]!)),
    ];
    const gateSegment = byClass("line", "corridor", zoneGroup("haul-road"))[4]!;
    const gate = [num(gateSegment, "x1"), num(gateSegment, "y1")];
    const explained = ([x, y]: number[]) =>
      (x! >= left - 2 && x! <= right + 2) ||
      Math.hypot(x! - gate[0]!, y! - gate[1]!) <= 21 * pxPerM + 2;

    const over = byClass("polyline", "over");
    expect(over.length).toBeGreaterThan(0);
    for (const line of over) {
      // Every point but the last (which joins the next run) is one the limit explains.
      const points = line
        .getAttribute("points")!
        .split(" ")
        .slice(0, -1)
        .map((p) => p.split(",").map(Number));
      for (const point of points) expect(explained(point), JSON.stringify(point)).toBe(true);
    }
    expect(byClass("polyline", "within").length).toBeGreaterThan(0);
    expect(byClass("polyline", "tolerance").length).toBeGreaterThan(0);
    expect(stdout).toMatch(/7 zones, 396 fixes \(\d+ above limit \+ tolerance\), 5 events/);
  });

  it("marks the events where they happened, in order", () => {
    const events = byClass("g", "event");
    expect(events.map((g) => g.getAttribute("data-type"))).toEqual([
      "zone_enter",
      "zone_exit",
      "overspeed",
      "overspeed",
      "zone_enter",
    ]);
    expect(events[2]!.getAttribute("data-severity")).toBe("alarm");
  });
});

describe("zones preview of a file with errors", () => {
  it(
    "draws nothing and lists the errors",
    async () => {
      const out = join(dir.path, "never.svg");
      const run = await muckAgent(
        "zones",
        "preview",
        join(FILES, "invalid/unclosed-ring.geojson"),
        "--out",
        out,
      );
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('feature "village"');
      expect(() => readFileSync(out)).toThrow();
    },
    CLI_BUDGET_MS,
  );
});
