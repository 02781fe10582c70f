/**
 * A KML 2.2 file as Google Earth Pro saves it ("Save Place As… .kml"): a Document with its
 * StyleMap/Style pairs, one Folder per kind of place, Placemarks with name, description,
 * styleUrl, a LookAt, and Polygon (tessellate, outer and inner boundaries), MultiGeometry,
 * LineString and Point geometry, coordinates as `lon,lat,alt` tuples, tab-indented. Two
 * Placemarks carry ExtendedData, as a file edited in QGIS or My Maps does.
 */
import { at, PLACES, rectangle, type Xy } from "./layout.js";

type Ring = Array<[number, number]>;

export function sitesKml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
	<name>Sites March 2026.kml</name>
${styles("site", "7f00aa00", "ff00aa00")}
${styles("dump", "7f0055ff", "ff0055ff")}
${styles("nogo", "7f0000ff", "ff0000ff")}
	<Folder>
		<name>Loading sites</name>
		<open>1</open>
${placemark("Pit 7 excavation", "Permit HK-2026-0317, site office inside", "site", polygon(rectangle(PLACES.pit, 300, 240), [rectangle(PLACES.pitOffice, 60, 40).reverse()]))}
	</Folder>
	<Folder>
		<name>Disposal sites</name>
		<open>1</open>
${placemark("East quarry fill", "Licensed fill, both pits", "dump", `<MultiGeometry>\n${polygon(rectangle(PLACES.quarry, 260, 260), [])}\n${polygon(rectangle(PLACES.quarryAnnex, 120, 120), [])}\n\t\t\t</MultiGeometry>`)}
${placemark("South transfer station", "Night intake only", "dump", point(PLACES.transfer))}
	</Folder>
	<Folder>
		<name>No-go areas</name>
${placemark("No. 3 primary school", "", "nogo", polygon(rectangle(PLACES.school, 260, 220), []))}
	</Folder>
	<Folder>
		<name>Speed zones</name>
${placemark("Xinqiao village", "30 km/h through the village", "site", polygon(rectangle(PLACES.village, 600, 500), []), { speedLimitKmh: "30" })}
	</Folder>
	<Folder>
		<name>Routes</name>
${placemark("Quarry annex lane", "Gate to the annex pit", "dump", line([PLACES.quarry, PLACES.quarryAnnex]), { widthM: "30" })}
	</Folder>
</Document>
</kml>
`;
}

function styles(id: string, fill: string, line: string): string {
  const style = (suffix: string, scale: string) => `	<Style id="s_${id}${suffix}">
		<IconStyle>
			<scale>${scale}</scale>
			<Icon>
				<href>http://maps.google.com/mapfiles/kml/pushpin/ylw-pushpin.png</href>
			</Icon>
			<hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/>
		</IconStyle>
		<LineStyle>
			<color>${line}</color>
			<width>2</width>
		</LineStyle>
		<PolyStyle>
			<color>${fill}</color>
		</PolyStyle>
	</Style>`;
  return `${style("", "1.1")}
${style("_hl", "1.3")}
	<StyleMap id="m_${id}">
		<Pair>
			<key>normal</key>
			<styleUrl>#s_${id}</styleUrl>
		</Pair>
		<Pair>
			<key>highlight</key>
			<styleUrl>#s_${id}_hl</styleUrl>
		</Pair>
	</StyleMap>`;
}

function placemark(
  name: string,
  description: string,
  style: string,
  geometry: string,
  data: Record<string, string> = {},
): string {
  const extended = Object.entries(data).map(
    ([key, value]) =>
      `\t\t\t\t<Data name="${key}">\n\t\t\t\t\t<value>${value}</value>\n\t\t\t\t</Data>`,
  );
  const [lon, lat] = at(PLACES.village);
  return `		<Placemark>
			<name>${name}</name>${description === "" ? "" : `\n\t\t\t<description>${description}</description>`}
			<LookAt>
				<longitude>${lon}</longitude>
				<latitude>${lat}</latitude>
				<altitude>0</altitude>
				<heading>0</heading>
				<tilt>0</tilt>
				<range>5200</range>
				<gx:altitudeMode>relativeToSeaFloor</gx:altitudeMode>
			</LookAt>
			<styleUrl>#m_${style}</styleUrl>${extended.length === 0 ? "" : `\n\t\t\t<ExtendedData>\n${extended.join("\n")}\n\t\t\t</ExtendedData>`}
			${geometry}
		</Placemark>`;
}

function coordinates(ring: Ring): string {
  return ring.map(([lon, lat]) => `${lon},${lat},0`).join(" ");
}

function polygon(outer: Ring, holes: Ring[]): string {
  const boundary = (tag: string, ring: Ring) =>
    `\t\t\t\t<${tag}>\n\t\t\t\t\t<LinearRing>\n\t\t\t\t\t\t<coordinates>\n\t\t\t\t\t\t\t${coordinates(ring)} \n\t\t\t\t\t\t</coordinates>\n\t\t\t\t\t</LinearRing>\n\t\t\t\t</${tag}>`;
  return `<Polygon>\n\t\t\t\t<tessellate>1</tessellate>\n${[boundary("outerBoundaryIs", outer), ...holes.map((ring) => boundary("innerBoundaryIs", ring))].join("\n")}\n\t\t\t</Polygon>`;
}

function line(points: Xy[]): string {
  return `<LineString>\n\t\t\t\t<tessellate>1</tessellate>\n\t\t\t\t<coordinates>\n\t\t\t\t\t${coordinates(points.map(at))} \n\t\t\t\t</coordinates>\n\t\t\t</LineString>`;
}

function point(xy: Xy): string {
  const [lon, lat] = at(xy);
  return `<Point>\n\t\t\t\t<gx:drawOrder>1</gx:drawOrder>\n\t\t\t\t<coordinates>${lon},${lat},0</coordinates>\n\t\t\t</Point>`;
}
