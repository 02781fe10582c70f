/**
 * One readable line per message the agent published, for the demo's subscriber:
 *
 *   12:00:03  DEMO-001 #17 position  31.23041,121.47370  42.0 km/h  course 87°
 *   12:00:04  DEMO-001 #18 weight    12,340 kg  stable
 *   12:00:09  DEMO-001 #19 event     scale_gap warning  durationS=5.2 reason=silence
 *   12:00:10  DEMO-001 status        online
 *
 * The time is the record's GPS time when it has one, else the agent's clock, shown in local time.
 */

const KIND_WIDTH = 8;

export function recordLine(topic: string, payload: Buffer | string): string {
  const text = payload.toString();
  const kind = topic.split("/").at(-1) ?? "";

  let message: Record<string, unknown>;
  try {
    message = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `${topic}  ${text.slice(0, 120)}`;
  }

  if (kind === "status") return statusLine(message);

  const body = (message.body ?? {}) as Record<string, unknown>;
  const time = clockTime(message.gpsTime ?? message.receivedAt);
  const head = `${time}  ${String(message.truckId)} #${String(message.seq)} ${kind.padEnd(KIND_WIDTH)}`;
  return `${head}  ${describe(kind, body)}`;
}

function describe(kind: string, body: Record<string, unknown>): string {
  if (kind === "position") return positionText(body);
  if (kind === "weight") return weightText(body);
  if (kind === "event") return eventText(body);
  return JSON.stringify(body).slice(0, 120);
}

function positionText(body: Record<string, unknown>): string {
  const lat = num(body.lat);
  const lon = num(body.lon);
  const speed = num(body.speedKmh);
  const course = num(body.courseDeg);

  const where = lat === null || lon === null ? "no position" : `${lat.toFixed(5)},${lon.toFixed(5)}`;
  const parts = [where, speed === null ? "speed ?" : `${speed.toFixed(1)} km/h`];
  if (course !== null) parts.push(`course ${Math.round(course)}°`);
  return parts.join("  ");
}

function weightText(body: Record<string, unknown>): string {
  const weightKg = num(body.weightKg);
  const digits = weightKg?.toLocaleString("en-US", { maximumFractionDigits: 1 }) ?? "?";
  const shown = `${digits} kg`;

  const flags = [body.stable === true ? "stable" : "in motion"];
  if (body.overload === true) flags.push("OVERLOAD");
  if (body.error === true) flags.push("ERROR");
  return `${shown}  ${flags.join(" ")}`;
}

function eventText(body: Record<string, unknown>): string {
  const details = (body.details ?? {}) as Record<string, unknown>;
  // One line per event: the scalar details; nested ones (context, start, end) stay in the record.
  const pairs = Object.entries(details)
    .filter(([key, value]) => key !== "path" && value !== null && typeof value !== "object")
    .map(([key, value]) => `${key}=${typeof value === "number" ? +value.toFixed(2) : String(value)}`);
  return [`${String(body.type)} ${String(body.severity)}`, ...pairs].join("  ");
}

function statusLine(message: Record<string, unknown>): string {
  const state = message.online === true ? "online" : "offline";
  const label = "status".padEnd(KIND_WIDTH + 4);
  return `${clockTime(message.at)}  ${String(message.truckId)} ${label}  ${state}`;
}

function clockTime(iso: unknown): string {
  const date = typeof iso === "string" ? new Date(iso) : new Date(NaN);
  return Number.isNaN(date.getTime()) ? "--:--:--" : date.toTimeString().slice(0, 8);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
