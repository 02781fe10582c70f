/**
 * A GPX 1.1 file as a GPS editor exports it: metadata (name, author, time, bounds), a waypoint,
 * a planned route (rte/rtept with names) and a recorded track (trk with two trkseg — the receiver
 * lost the sky under a bridge — and trkpt with ele and time), 4-space indented.
 *
 * The track is the haul road driven at 36 km/h, one point a second, with a few metres of seeded
 * GNSS noise, as a logger records it; the route is the night link as planned, vertex by vertex.
 */
import { seededRandom } from "../../../simulator/prng.js";
import { at, HAUL_ROAD, NIGHT_LINK, PLACES, type Xy } from "./layout.js";

const START_MS = Date.parse("2026-03-01T23:40:12Z");
const STEP_M = 10; // 36 km/h at 1 Hz
const NOISE_M = 3;
const BRIDGE = { fromM: 2600, toM: 2680 }; // no fix under the bridge: the track splits there

export function haulGpx(): string {
  const track = trackPoints();
  const lats = track.map((point) => point.lat);
  const lons = track.map((point) => point.lon);
  const [gateLon, gateLat] = at(PLACES.quarryGate);

  return `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<gpx xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" creator="GPS Track Editor 1.15" version="1.1" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
    <metadata>
        <name>Pit 7 haul, March 2026</name>
        <desc>Haul road recorded by truck HK-0231; night link as planned with the district office</desc>
        <author>
            <name>Fleet office</name>
        </author>
        <time>2026-03-02T08:15:03Z</time>
        <bounds minlat="${min(lats)}" minlon="${min(lons)}" maxlat="${max(lats)}" maxlon="${max(lons)}"/>
    </metadata>
    <wpt lat="${gateLat}" lon="${gateLon}">
        <ele>4.0</ele>
        <name>Quarry gate</name>
        <sym>Flag, Blue</sym>
    </wpt>
    <rte>
        <name>Night link to the transfer station</name>
        <desc>Permit N-2026-14, 22:00-05:00 only</desc>
${NIGHT_LINK.map((xy, i) => routePoint(xy, ["Junction", "Canal bridge", "Transfer station"][i]!)).join("\n")}
    </rte>
    <trk>
        <name>Haul road pit 7 to east quarry</name>
        <desc>Recorded 2026-03-02 by HK-0231</desc>
        <type>Driving</type>
${segments(track).map(trackSegment).join("\n")}
    </trk>
</gpx>
`;
}

interface TrackPoint {
  lat: number;
  lon: number;
  alongM: number;
  ele: string;
  time: string;
}

function trackPoints(): TrackPoint[] {
  const random = seededRandom(7);
  const noise = () => (random() * 2 - 1) * NOISE_M;
  const points: TrackPoint[] = [];

  let alongM = 0;
  HAUL_ROAD.slice(1).forEach((to, i) => {
    const from = HAUL_ROAD[i]!;
    const lengthM = Math.hypot(to[0] - from[0], to[1] - from[1]);
    for (let m = i === 0 ? 0 : STEP_M - (alongM % STEP_M); m < lengthM; m += STEP_M) {
      const t = m / lengthM;
      const xy: Xy = [
        from[0] + t * (to[0] - from[0]) + noise(),
        from[1] + t * (to[1] - from[1]) + noise(),
      ];
      const [lon, lat] = at(xy);
      const second = Math.round((alongM + m) / STEP_M);
      const time = new Date(START_MS + second * 1000).toISOString().replace(".000Z", "Z");
      points.push({ lat, lon, alongM: alongM + m, ele: (4 + random()).toFixed(1), time });
    }
    alongM += lengthM;
  });
  const [lon, lat] = at(HAUL_ROAD.at(-1)!);
  points.push({
    lat,
    lon,
    alongM,
    ele: "4.2",
    time: new Date(START_MS + Math.round(alongM / STEP_M) * 1000)
      .toISOString()
      .replace(".000Z", "Z"),
  });
  return points;
}

function segments(track: TrackPoint[]): TrackPoint[][] {
  const before = track.filter((point) => point.alongM < BRIDGE.fromM);
  const after = track.filter((point) => point.alongM > BRIDGE.toM);
  return [before, after];
}

function trackSegment(points: TrackPoint[]): string {
  const lines = points.map(
    (point) =>
      `            <trkpt lat="${point.lat}" lon="${point.lon}">\n                <ele>${point.ele}</ele>\n                <time>${point.time}</time>\n            </trkpt>`,
  );
  return `        <trkseg>\n${lines.join("\n")}\n        </trkseg>`;
}

function routePoint(xy: Xy, name: string): string {
  const [lon, lat] = at(xy);
  return `        <rtept lat="${lat}" lon="${lon}">\n            <name>${name}</name>\n        </rtept>`;
}

const min = (values: number[]) => values.reduce((a, b) => Math.min(a, b));
const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b));
