/** Zone files for the tests: GeoJSON features built in code, written to a temp directory. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export type Properties = Record<string, unknown>;

export function feature(geometry: unknown, properties: Properties): object {
  return { type: "Feature", properties, geometry };
}

export function collection(...features: object[]): object {
  return { type: "FeatureCollection", features };
}

/** A closed square ring of half-size `halfDeg` around [lon, lat], counter-clockwise. */
export function square(lon: number, lat: number, halfDeg: number): number[][] {
  return [
    [lon - halfDeg, lat - halfDeg],
    [lon + halfDeg, lat - halfDeg],
    [lon + halfDeg, lat + halfDeg],
    [lon - halfDeg, lat + halfDeg],
    [lon - halfDeg, lat - halfDeg],
  ];
}

/** Write `content` (JSON unless a string) as `name` in `dir`; returns the path. */
export function writeZoneFile(dir: string, name: string, content: object | string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`,
  );
  return file;
}

/** Epoch ms of a wall-clock time in Shanghai (UTC+8 all year, no daylight saving). */
export function shanghai(isoLocal: string): number {
  return Date.parse(`${isoLocal}+08:00`);
}
