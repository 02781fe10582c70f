/**
 * Reading the files operators draw zones in — GPX from a GPS editor or a logger, KML from Google
 * Earth or My Maps, GeoJSON from QGIS — into plain GeoJSON features with where each came from.
 * The XML formats go through @tmcw/togeojson on @xmldom/xmldom's DOM, which keeps GPX route and
 * track apart (`_gpxType`), turns multi-segment tracks into MultiLineStrings and KML
 * MultiGeometry into GeometryCollections; the KML folder tree is kept, since operators sort
 * places into folders by what they are.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { gpx, kmlWithFolders, type Folder, type Root } from "@tmcw/togeojson";
import { DOMParser } from "@xmldom/xmldom";
import { MuckError } from "../../../agent/errors.js";

export type SourceFormat = "gpx" | "kml" | "geojson";

/** One feature of the source file, before it is a zone. */
export interface SourceFeature {
  geometry: GeoJSON.Geometry | null;
  properties: Record<string, unknown>;
  /** KML folder names from the outermost in; empty elsewhere. */
  folders: string[];
  /** What it was in the source: `trk`, `rte`, `wpt`, `Placemark`, `Feature`. */
  origin: string;
}

const FORMATS: Record<string, SourceFormat> = {
  ".gpx": "gpx",
  ".kml": "kml",
  ".geojson": "geojson",
  ".json": "geojson",
};

export async function readSource(
  file: string,
): Promise<{ format: SourceFormat; features: SourceFeature[] }> {
  const format = FORMATS[extname(file).toLowerCase()];
  if (format === undefined) {
    throw new MuckError(
      "USAGE",
      `${file}: unknown file type; import reads .gpx, .kml and .geojson (or .json)`,
    );
  }

  const text = await readText(file);
  if (format === "geojson") return { format, features: fromGeoJson(file, text) };
  const doc = parseXml(file, text);
  return { format, features: format === "gpx" ? fromGpx(doc) : fromKml(doc) };
}

async function readText(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new MuckError("CAPTURE_NOT_FOUND", `${file}: cannot read it (${code})`, { cause: error });
  }
}

type XmlDocument = ReturnType<DOMParser["parseFromString"]>;

function parseXml(file: string, text: string): XmlDocument {
  const problems: string[] = [];
  const parser = new DOMParser({
    onError: (level, message) => void (level !== "warning" && problems.push(message)),
  });
  let doc: XmlDocument | undefined;
  try {
    doc = parser.parseFromString(text, "text/xml");
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (doc === undefined || problems.length > 0) {
    const reason = problems[0]?.split("\n")[0] ?? "not XML";
    throw new MuckError("IMPORT_INVALID", `${file}: not a well-formed XML file: ${reason}`);
  }
  return doc;
}

function fromGpx(doc: XmlDocument): SourceFeature[] {
  return gpx(doc).features.map((feature) => {
    const properties = { ...(feature.properties ?? {}) };
    const origin = typeof properties._gpxType === "string" ? properties._gpxType : "wpt";
    delete properties._gpxType;
    // Per-point times and elevations say nothing about the zone.
    delete properties.coordinateProperties;
    return { geometry: feature.geometry, properties, folders: [], origin };
  });
}

function fromKml(doc: XmlDocument): SourceFeature[] {
  const features: SourceFeature[] = [];
  const walk = (node: Root | Folder, folders: string[]) => {
    for (const child of node.children) {
      if (child.type === "folder") {
        const name = typeof child.meta.name === "string" ? child.meta.name : "";
        walk(child, name === "" ? folders : [...folders, name]);
      } else {
        features.push({
          geometry: child.geometry,
          properties: { ...(child.properties ?? {}) },
          folders,
          origin: "Placemark",
        });
      }
    }
  };
  walk(kmlWithFolders(doc), []);
  return features;
}

function fromGeoJson(file: string, text: string): SourceFeature[] {
  let data: { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MuckError("IMPORT_INVALID", `${file}: not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const crs = data.crs?.properties?.name;
  if (typeof crs === "string" && !/CRS84$|EPSG:+4326$/.test(crs)) {
    throw new MuckError(
      "IMPORT_INVALID",
      `${file}: positions are in ${crs}; export the layer as WGS84 (EPSG:4326)`,
    );
  }

  const features =
    data.type === "FeatureCollection" && Array.isArray(data.features)
      ? (data.features as GeoJSON.Feature[])
      : data.type === "Feature"
        ? [data as unknown as GeoJSON.Feature]
        : [
            {
              type: "Feature",
              properties: {},
              geometry: data as unknown as GeoJSON.Geometry,
            } as GeoJSON.Feature,
          ];
  return features.map((feature) => ({
    geometry: feature.geometry ?? null,
    properties: { ...(feature.properties ?? {}) },
    folders: [],
    origin: "Feature",
  }));
}
