/**
 * The agent's configuration: one JSON file, validated by this schema before anything starts.
 *
 * Every object is strict, so a misspelt key is an error instead of a silently ignored option.
 * Every option is declared through option.ts, which records its unit and default as metadata;
 * `muck-agent config defaults` prints the README's option table from it, so the documentation
 * cannot drift from the code. Sections use `prefault({})` so an absent section still gets the
 * defaults of its fields (zod 4's `default` would skip parsing them).
 */
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { exposedMode } from "../agent/uplink-secrets.js";
import { z } from "zod";
import { LOG_LEVELS } from "../agent/log.js";
import { notAbove, once, option, optional, required, satisfies } from "./option.js";
import { isKnownTimeZone } from "./zones/local-time.js";
import { DetectSchema } from "./detect-schema.js";

function isReadablePemFile(path: string): boolean {
  try {
    return readFileSync(path, "utf8").includes("-----BEGIN CERTIFICATE-----");
  } catch {
    return false;
  }
}

function isReadablePemKey(path: string): boolean {
  try {
    return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(path, "utf8"));
  } catch {
    return false;
  }
}

/** A secret file only its owner may read; a file that cannot be read is reported by its own check. */
function isPrivateToOwner(path: string): boolean {
  try {
    return exposedMode(path) === null;
  } catch {
    return true;
  }
}

function isReadableFile(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A private file: readable, and unreadable to group and others (chmod 600). */
function privateFile(readable: (path: string) => boolean, expected: string) {
  return satisfies(readable, expected, `not a readable ${expected}`).refine(isPrivateToOwner, {
    message: "readable by group or others; chmod 600 it, owned by the agent's user",
    params: { expected: "a file only its owner can read (mode 600 or 400)" },
  });
}

/** Speeds a UART and its termios settings support out of the box (Linux `Bxxxx` constants). */
export const STANDARD_BAUD_RATES = [
  1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
] as const;

const MIB = 1024 * 1024;

const baudRate = z.number().pipe(z.literal(STANDARD_BAUD_RATES));
const positive = z.number().positive();
const integer = z.number().int();

const TRUCK_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Topic levels without wildcards or empty levels; a leading `$` is reserved for broker topics.
const TOPIC_PREFIX = /^(?!\$)[^+#/\u0000]+(\/[^+#/\u0000]+)*$/;

function isMqttUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === "mqtt:" || url.protocol === "mqtts:") && url.hostname !== "";
}

const serialPortFields = {
  baudRate: option(baudRate, 9600, "baud", "Serial speed; must match the device's setting."),
  silenceTimeoutS: option(
    positive.max(600),
    5,
    "s",
    "Data-silence watchdog: with no bytes for this long the port is reported lost and reopened.",
  ),
  reopenMinMs: option(
    integer.min(10).max(600_000),
    500,
    "ms",
    "First delay before reopening a lost port.",
  ),
  reopenMaxMs: option(
    integer.min(10).max(3_600_000),
    30_000,
    "ms",
    "Ceiling of the doubling reopen delay, so an unplugged device is not polled in a tight loop.",
  ),
};

const GpsSchema = z
  .object({
    path: option(
      z.string().min(1),
      "/dev/ttyUSB0",
      "",
      "Serial device of the GNSS receiver. Prefer /dev/serial/by-id/…, which survives re-enumeration.",
    ),
    ...serialPortFields,
    epochIdleMs: option(
      integer.min(20).max(5000),
      250,
      "ms",
      "An epoch (the sentences of one fix) closes when no sentence arrives for this long.",
    ),
    maxHdop: option(
      positive.max(99),
      5,
      "",
      "Fixes with a horizontal dilution of precision above this are too imprecise to judge violations. Such fixes never become positions.",
    ),
    noFixEventS: option(
      positive.max(86_400),
      10,
      "s",
      "A stretch without a valid fix at least this long is recorded as a gps_no_fix event.",
    ),
    maxPlausibleSpeedKmh: option(
      positive.max(400),
      160,
      "km/h",
      "A jump implying a faster speed than this is a multipath outlier, not the truck. Such fixes are dropped.",
    ),
  })
  .strict()
  .superRefine(notAbove("reopenMinMs", "reopenMaxMs"), once("reopenMinMs", "reopenMaxMs"))
  .superRefine(epochShorterThanWatchdog, once("epochIdleMs", "silenceTimeoutS"));

// An epoch that stays open as long as the watchdog would make every quiet second a lost port.
function epochShorterThanWatchdog(
  gps: { epochIdleMs: number; silenceTimeoutS: number },
  ctx: z.RefinementCtx,
): void {
  const silenceMs = gps.silenceTimeoutS * 1000;
  if (gps.epochIdleMs < silenceMs) return;
  ctx.addIssue({
    code: "custom",
    path: ["epochIdleMs"],
    message: "epochIdleMs must be shorter than the data-silence watchdog",
    params: { expected: `less than silenceTimeoutS × 1000 (${silenceMs})` },
  });
}

const ScaleSchema = z
  .object({
    path: required(
      z.string().min(1),
      "Serial device of the load-cell indicator (required when scale is present).",
    ),
    ...serialPortFields,
    protocol: option(
      z.enum(["ascii", "sics", "toledo"]),
      "ascii",
      "",
      "Frame format: ascii (continuous weight lines), sics (MT-SICS polled), toledo (continuous).",
    ),
    pollIntervalMs: option(
      integer.min(50).max(60_000),
      500,
      "ms",
      "How often a SICS indicator is asked for a weight.",
    ),
    sicsCommand: option(
      z.enum(["SI", "S"]),
      "SI",
      "",
      "SICS poll command: SI answers at once (stable or not), S waits for a stable weight.",
    ),
    weight: option(
      z.enum(["gross", "net"]),
      "gross",
      "",
      "Which weight to report: gross, or net (after tare).",
    ),
  })
  .strict()
  .superRefine(notAbove("reopenMinMs", "reopenMaxMs"), once("reopenMinMs", "reopenMaxMs"));

const MqttSchema = z
  .object({
    url: option(
      satisfies(isMqttUrl, "an mqtt:// or mqtts:// URL with a host", "not an MQTT broker URL"),
      "mqtt://127.0.0.1:1883",
      "",
      "Broker URL; use mqtts:// for TLS.",
    ),
    protocolVersion: option(
      z.number().pipe(z.literal([4, 5])),
      4,
      "",
      "MQTT protocol level: 4 = MQTT 3.1.1, 5 = MQTT 5.",
    ),
    topicPrefix: option(
      satisfies(
        (text) => TOPIC_PREFIX.test(text),
        "topic levels without + or #, empty levels, a leading $ or a leading/trailing /",
        "not a usable topic prefix",
      ),
      "muck",
      "",
      "First topic levels; records go to <topicPrefix>/<truckId>/<kind>.",
    ),
    keepaliveS: option(
      integer.min(0).max(65_535),
      240,
      "s",
      "MQTT keepalive; long enough to spare cellular data, short enough to notice a dead link. 0 disables.",
    ),
    username: optional(z.string(), "Broker user name."),
    password: optional(
      z.string(),
      "Broker password inline; prefer passwordFile or passwordEnv, which keep it out of the config (MQTT 3.1.1 requires a username with any password).",
    ),
    passwordFile: optional(
      privateFile(isReadableFile, "password file"),
      "File holding the broker password (one line); must be readable only by its owner.",
    ),
    passwordEnv: optional(
      satisfies((name) => ENV_NAME.test(name), "an environment variable name", "not an environment variable name"),
      "Environment variable holding the broker password, e.g. from a systemd drop-in or credential.",
    ),
    caFile: optional(
      // Checked here, not at connect: a missing CA must stop `config check`, not the running agent.
      satisfies((path) => isReadablePemFile(path), "a readable PEM file", "not a readable PEM certificate file"),
      "CA certificate (PEM file) the broker's certificate must chain to, for mqtts://; unset: the system's CAs. The server is always verified.",
    ),
    certFile: optional(
      satisfies((path) => isReadablePemFile(path), "a readable PEM file", "not a readable PEM certificate file"),
      "This truck's client certificate (PEM) for mutual TLS; needs keyFile.",
    ),
    keyFile: optional(
      privateFile(isReadablePemKey, "PEM private key file"),
      "Private key (PEM) of certFile; must be readable only by its owner (chmod 600).",
    ),
    connectTimeoutS: option(
      positive.max(600),
      30,
      "s",
      "Give up on a connection attempt after this long.",
    ),
    reconnectMinMs: option(
      integer.min(100).max(3_600_000),
      1000,
      "ms",
      "First delay before reconnecting.",
    ),
    reconnectMaxMs: option(
      integer.min(100).max(3_600_000),
      120_000,
      "ms",
      "Ceiling of the doubling reconnect delay.",
    ),
    busyBackoffMs: option(
      integer.min(0).max(86_400_000),
      300_000,
      "ms",
      "Wait after the broker refuses as busy or over quota, so a fleet does not hammer it.",
    ),
    sessionExpiryS: option(
      integer.min(0).max(4_294_967_295),
      604_800,
      "s",
      "MQTT 5 only: how long the broker keeps the session (and queued acks) after a disconnect.",
    ),
    willDelayS: option(
      integer.min(0).max(4_294_967_295),
      60,
      "s",
      "MQTT 5 only: delay before the broker publishes the offline will, so short drops stay quiet.",
    ),
    maxInFlight: option(
      integer.min(1).max(65_535),
      32,
      "messages",
      "QoS 1 publishes awaiting PUBACK at once.",
    ),
    pubackTimeoutS: option(
      positive.max(3600),
      30,
      "s",
      "A publish unacknowledged this long means a half-open link (packets silently dropped): the agent reconnects and resends.",
    ),
    statusIntervalS: option(
      positive.max(86_400),
      60,
      "s",
      "How often the retained live status (queue, devices, uplink counters) is refreshed while connected.",
    ),
    dailyCapBytes: optional(
      integer.min(1024),
      "Bytes a day (UTC) after which positions and weights wait for the next day; events and trips always go. Unit: bytes.",
    ),
  })
  .strict()
  .superRefine(
    notAbove("reconnectMinMs", "reconnectMaxMs"),
    once("reconnectMinMs", "reconnectMaxMs"),
  )
  .superRefine(passwordHasUsername, once("password", "passwordFile", "passwordEnv", "username", "protocolVersion"))
  .superRefine(onePasswordSource, once("password", "passwordFile", "passwordEnv"))
  .superRefine(certWithKey, once("certFile", "keyFile"));

const PASSWORD_SOURCES = ["password", "passwordFile", "passwordEnv"] as const;

// Two sources would leave it unclear which one the broker gets after an edit.
function onePasswordSource(mqtt: Partial<Record<(typeof PASSWORD_SOURCES)[number], string>>, ctx: z.RefinementCtx): void {
  const given = PASSWORD_SOURCES.filter((key) => mqtt[key] !== undefined);
  if (given.length <= 1) return;
  ctx.addIssue({
    code: "custom",
    path: [given[1]!],
    message: `give the password one way only (${given.join(" and ")} are both set)`,
    params: { expected: "one of password, passwordFile, passwordEnv" },
  });
}

// A certificate without its key (or the reverse) cannot complete a TLS handshake.
function certWithKey(mqtt: { certFile?: string | undefined; keyFile?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((mqtt.certFile === undefined) === (mqtt.keyFile === undefined)) return;
  const missing = mqtt.certFile === undefined ? "certFile" : "keyFile";
  ctx.addIssue({
    code: "custom",
    path: [missing],
    message: `mutual TLS needs both certFile and keyFile (${missing} is missing)`,
    params: { expected: "both certFile and keyFile, or neither" },
  });
}

// MQTT 3.1.1 (§3.1.2.9) forbids the password flag without the user name flag; MQTT 5 allows it.
function passwordHasUsername(
  mqtt: Partial<Record<(typeof PASSWORD_SOURCES)[number], string>> & { username?: string | undefined; protocolVersion: number },
  ctx: z.RefinementCtx,
): void {
  const hasPassword = PASSWORD_SOURCES.some((key) => mqtt[key] !== undefined);
  if (!hasPassword || mqtt.username !== undefined || mqtt.protocolVersion === 5) {
    return;
  }
  ctx.addIssue({
    code: "custom",
    path: ["password"],
    message: "MQTT 3.1.1 does not allow a password without a username",
    params: { expected: "a username as well, or protocolVersion 5" },
  });
}

const CadenceSchema = z
  .object({
    minPeriodS: option(positive, 30, "s", "While moving, send a position at least this often."),
    minDistanceM: option(
      z.number().min(0),
      50,
      "m",
      "Send a position after moving this far since the last one.",
    ),
    minHeadingDeg: option(
      z.number().min(0).max(180),
      15,
      "deg",
      "Send a position after turning this much (keeps corners on the map).",
    ),
    minSpeedDeltaKmh: option(
      z.number().min(0),
      10,
      "km/h",
      "Send a position after the speed changes this much.",
    ),
    heartbeatS: option(
      positive,
      300,
      "s",
      "While stopped, send a position this often to show the agent is alive.",
    ),
    stoppedSpeedKmh: option(
      z.number().min(0),
      3,
      "km/h",
      "Below this speed the truck counts as stopped (GPS jitter is never zero).",
    ),
    weightDeltaKg: option(
      z.number().min(0),
      200,
      "kg",
      "Send a weight when the stable weight changes this much.",
    ),
    weightPeriodS: option(
      positive,
      60,
      "s",
      "Send a weight at least this often while the scale reports.",
    ),
  })
  .strict();

const OutboxSchema = z
  .object({
    syncIntervalMs: option(
      integer.min(0).max(1000),
      200,
      "ms",
      "Group commit: records are fsynced together at most this late; 0 syncs every record.",
    ),
    maxBytes: option(
      integer.min(4 * MIB),
      512 * MIB,
      "bytes",
      "Byte budget of the outbox on disk; when over it, the oldest positions (then weights) are thinned, never events or trips, and a thinned event says what went.",
    ),
  })
  .strict();

const BackfillSchema = z
  .object({
    minBacklog: option(
      integer.min(0),
      20,
      "records",
      "Pack trips, positions and weights into batches while at least this many of a kind wait; 0 sends every record alone. Events are never batched.",
    ),
    maxRecords: option(integer.min(2).max(10_000), 200, "records", "Most records in one batch message."),
    maxBytes: option(
      integer.min(512).max(256 * 1024),
      4800,
      "bytes",
      "Largest compressed batch payload; the default keeps a message with its topic inside the 5 KB billing unit of managed brokers.",
    ),
  })
  .strict();

const IdentitySchema = z
  .object({
    keyFile: optional(
      z.string().min(1),
      "The truck's Ed25519 private key (PEM, from muck-agent identity init), readable by the agent's user only; relative paths resolve against the working directory. Unset: records are chained but not signed.",
    ),
  })
  .strict();

const ZonesSchema = z
  .object({
    file: optional(
      z.string().min(1),
      "GeoJSON zone file (see Zones); relative paths resolve against the config file's folder. Unset: no zones.",
    ),
    timeZone: option(
      satisfies(isKnownTimeZone, "an IANA time zone such as Asia/Shanghai", "not a known time zone"),
      "Asia/Shanghai",
      "",
      "Time zone the zone file's hours and dates are written in (activeHours, night hours, validFrom, validTo).",
    ),
  })
  .strict();

// Read at load time, like caFile: a key that cannot be used must stop `config check`, not a push.
function isEd25519PublicKeyFile(path: string): boolean {
  try {
    return createPublicKey(readFileSync(path)).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}

const OtaSchema = z
  .object({
    enabled: option(
      z.boolean(),
      true,
      "",
      "Take configuration bundles over the air from <topicPrefix>/<truckId>/config and the fleet-wide topic (see Over the air).",
    ),
    fleetTopic: option(
      satisfies((text) => /^[A-Za-z0-9_-]{1,64}$/.test(text), "one topic level of A-Z a-z 0-9 _ -", "not a usable topic level"),
      "fleet",
      "",
      "Topic level of fleet-wide bundles: <topicPrefix>/<fleetTopic>/config; no truck may carry this id.",
    ),
    probationS: option(
      integer.min(10).max(86_400),
      300,
      "s",
      "A bundle is on trial this long after it is applied: if the agent dies meanwhile (not stopped, same boot), the next start puts the previous bundle back and refuses this one (see Over the air). Read at start.",
    ),
    publicKeyFile: optional(
      satisfies(isEd25519PublicKeyFile, "a readable Ed25519 public key (PEM)", "not a readable Ed25519 public key file"),
      "Fleet public key (PEM, from `config keygen`); when set, every bundle must carry a valid Ed25519 signature. Unset: unsigned bundles are accepted (a warning at start).",
    ),
  })
  .strict();

const InputSchema = z
  .object({
    source: option(
      z.enum(["file", "gpio"]),
      "file",
      "",
      "file: a value file holding 0 or 1 (a sysfs GPIO value, the simulator); gpio: a GPIO character-device line.",
    ),
    path: optional(
      z.string().min(1),
      "file source: the value file; relative paths resolve against the working directory.",
    ),
    chip: option(z.string().min(1), "/dev/gpiochip0", "", "gpio source: the GPIO chip device."),
    line: optional(integer.min(0).max(1023), "gpio source: the line offset on the chip."),
    activeHigh: option(
      z.boolean(),
      true,
      "",
      "A high level (1) means active: body raised, cover closed, ignition on. false for switches wired to ground.",
    ),
    debounceMs: option(
      integer.min(0).max(60_000),
      200,
      "ms",
      "A change counts only once the new level has held this long (contact bounce, a rattling body).",
    ),
    pollMs: option(integer.min(10).max(10_000), 100, "ms", "How often the level is read."),
    stuckAfterS: option(
      z.number().min(0).max(7 * 86_400),
      0,
      "s",
      "Report the switch stuck when it has not changed for this long with the ignition on (running time without an ignition input). 0 disables.",
    ),
  })
  .strict()
  .superRefine(sourceHasAddress, once("source", "path", "line"));

// A file source without a file, or a GPIO line without its offset, can never be read.
function sourceHasAddress(
  input: { source: string; path?: string | undefined; line?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  const field = input.source === "file" ? "path" : "line";
  if (input[field] !== undefined) return;
  ctx.addIssue({
    code: "custom",
    path: [field],
    message: `a ${input.source} source needs its ${field === "path" ? "value file" : "line offset"}`,
    params: { expected: field === "path" ? "the value file's path" : "a line offset such as 17" },
  });
}

const InputsSchema = z
  .object({
    bodyLift: optional(
      InputSchema,
      "Body-lift (tipper) switch, active while the body is raised; leave out when not fitted.",
    ),
    cover: optional(
      InputSchema,
      "Load-cover switch, active while the cover is closed; leave out when not fitted.",
    ),
    ignition: optional(InputSchema, "Ignition line, active while the ignition is on."),
  })
  .strict();

const StatusSchema = z
  .object({
    fileIntervalS: option(
      positive.max(3600),
      5,
      "s",
      "How often the running agent writes its health to <dataDir>/status.json, which `muck-agent status` reads.",
    ),
  })
  .strict();

const MetricsSchema = z
  .object({
    port: optional(
      integer.min(1).max(65_535),
      "TCP port of the Prometheus metrics endpoint (GET /metrics); unset: no endpoint, nothing listens.",
    ),
    host: option(
      z.string().min(1),
      "127.0.0.1",
      "",
      "Address the metrics endpoint binds to; keep the loopback unless a scraper on the network must reach it.",
    ),
  })
  .strict();

export const AgentConfigSchema = z
  .object({
    truckId: required(
      satisfies(
        (text) => TRUCK_ID.test(text),
        "1 to 64 characters of A-Z a-z 0-9 _ -",
        "not a usable truck id",
      ),
      "Truck identifier; becomes the MQTT client id and a topic level, so no / + # or spaces.",
    ),
    dataDir: option(
      z.string().min(1),
      "/var/lib/muck-agent",
      "",
      "Directory for the outbox and the sequence file; relative paths resolve against the working directory.",
    ),
    log: z
      .object({
        level: option(
          z.enum(LOG_LEVELS),
          "info",
          "",
          "Log level of the agent's JSON logs on stderr.",
        ),
      })
      .strict()
      .prefault({}),
    gps: GpsSchema.prefault({}),
    scale: optional(
      ScaleSchema,
      "Load-cell indicator; leave the section out when the truck has none.",
    ),
    mqtt: MqttSchema.prefault({}),
    cadence: CadenceSchema.prefault({}),
    detect: DetectSchema.prefault({}),
    outbox: OutboxSchema.prefault({}),
    backfill: BackfillSchema.prefault({}),
    identity: IdentitySchema.prefault({}),
    zones: ZonesSchema.prefault({}),
    inputs: InputsSchema.prefault({}),
    status: StatusSchema.prefault({}),
    metrics: MetricsSchema.prefault({}),
    ota: OtaSchema.prefault({}),
  })
  .strict()
  .superRefine(truckIdIsNotFleetTopic, once("truckId", "ota"));

// The fleet-wide topic would be this truck's own topic: a fleet bundle and a truck bundle mixed up.
function truckIdIsNotFleetTopic(config: { truckId: string; ota: { fleetTopic: string } }, ctx: z.RefinementCtx): void {
  if (config.truckId !== config.ota.fleetTopic) return;
  ctx.addIssue({
    code: "custom",
    path: ["truckId"],
    message: "the truck id equals ota.fleetTopic, so its config topic would be the fleet-wide one",
    params: { expected: `a truck id other than "${config.ota.fleetTopic}"` },
  });
}

export type AgentConfig = z.output<typeof AgentConfigSchema>;
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
