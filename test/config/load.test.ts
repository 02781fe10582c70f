import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, MuckError, type ConfigIssue } from "../../agent/errors.js";
import { checkConfig, loadConfig } from "../../config/load.js";
import { DetectSchema } from "../../config/detect-schema.js";
import { JsonSyntaxError } from "../../config/json-positions.js";
import { CONFIG_DIR, tempFiles } from "./temp-files.js";

const files = tempFiles();
afterAll(() => files.remove());

async function issuesOf(name: string, text: string): Promise<ConfigIssue[]> {
  const result = await checkConfig(files.write(name, text));
  expect(result.config).toBeUndefined();
  return result.issues;
}

function byPath(issues: ConfigIssue[], fieldPath: string): ConfigIssue {
  const issue = issues.find((candidate) => candidate.path === fieldPath);
  if (issue === undefined)
    throw new Error(`no issue at ${fieldPath}; got ${issues.map((i) => i.path).join(", ")}`);
  return issue;
}

describe("the shipped example files", () => {
  it("example.json passes with its own values", async () => {
    const config = await loadConfig(path.join(CONFIG_DIR, "example.json"));

    expect(config.truckId).toBe("TRK-0001");
    expect(config.gps.path).toMatch(/^\/dev\/serial\/by-id\//);
    expect(config.scale?.protocol).toBe("sics");
    expect(config.scale?.sicsCommand).toBe("SI");
    expect(config.mqtt.url).toBe("mqtts://telemetry.example.com:8883");
    expect(config.mqtt.protocolVersion).toBe(5);
  });

  it("minimal.json gets every documented default", async () => {
    const config = await loadConfig(path.join(CONFIG_DIR, "minimal.json"));

    expect(config).toEqual({
      truckId: "TRK-0001",
      dataDir: "/var/lib/muck-agent",
      log: { level: "info" },
      gps: {
        path: "/dev/ttyUSB0",
        baudRate: 9600,
        silenceTimeoutS: 5,
        reopenMinMs: 500,
        reopenMaxMs: 30_000,
        epochIdleMs: 250,
        maxHdop: 5,
        noFixEventS: 10,
        maxPlausibleSpeedKmh: 160,
      },
      mqtt: {
        url: "mqtt://127.0.0.1:1883",
        protocolVersion: 4,
        topicPrefix: "muck",
        keepaliveS: 240,
        connectTimeoutS: 30,
        reconnectMinMs: 1000,
        reconnectMaxMs: 120_000,
        busyBackoffMs: 300_000,
        sessionExpiryS: 604_800,
        willDelayS: 60,
        maxInFlight: 32,
        pubackTimeoutS: 30,
        statusIntervalS: 60,
      },
      cadence: {
        minPeriodS: 30,
        minDistanceM: 50,
        minHeadingDeg: 15,
        minSpeedDeltaKmh: 10,
        heartbeatS: 300,
        stoppedSpeedKmh: 3,
        weightDeltaKg: 200,
        weightPeriodS: 60,
      },
      // Every detector threshold at its default; each is checked against the docs in options-table.test.ts.
      detect: DetectSchema.parse({}),
      outbox: { syncIntervalMs: 200, maxBytes: 512 * 1024 * 1024 },
      backfill: { minBacklog: 20, maxRecords: 200, maxBytes: 4800 },
      identity: {},
      zones: { timeZone: "Asia/Shanghai" },
      inputs: {},
      status: { fileIntervalS: 5 },
      metrics: { host: "127.0.0.1" },
      ota: { enabled: true, fleetTopic: "fleet", probationS: 300 },
    });
  });
});

describe("defaults", () => {
  it("fills a scale section that names only its port", async () => {
    const file = files.write("scale.json", { truckId: "T1", scale: { path: "/dev/ttyS1" } });
    const config = await loadConfig(file);

    expect(config.scale).toEqual({
      path: "/dev/ttyS1",
      baudRate: 9600,
      protocol: "ascii",
      pollIntervalMs: 500,
      sicsCommand: "SI",
      weight: "gross",
      silenceTimeoutS: 5,
      reopenMinMs: 500,
      reopenMaxMs: 30_000,
    });
  });

  it("keeps given values next to defaulted siblings", async () => {
    const file = files.write("partial.json", {
      truckId: "T1",
      gps: { baudRate: 115200 },
      mqtt: { keepaliveS: 0 },
    });
    const config = await loadConfig(file);

    expect(config.gps.baudRate).toBe(115200);
    expect(config.gps.path).toBe("/dev/ttyUSB0");
    expect(config.mqtt.keepaliveS).toBe(0);
    expect(config.mqtt.maxInFlight).toBe(32);
  });

  it("accepts a file saved with a byte-order mark", async () => {
    const config = await loadConfig(files.write("bom.json", '\uFEFF{"truckId": "T-bom"}'));
    expect(config.truckId).toBe("T-bom");
  });
});

describe("unknown keys", () => {
  it("reports a top-level typo with its line and the key it probably meant", async () => {
    const issues = await issuesOf("top.json", '{\n  "truckId": "T1",\n  "outbx": {}\n}\n');

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: "outbx",
      line: 3,
      found: '"outbx"',
      expected: '"outbox"',
    });
    expect(issues[0]?.message).toContain('did you mean "outbox"');
  });

  it("reports a nested typo by its full path, case slips included", async () => {
    const text =
      '{\n  "truckId": "T1",\n  "gps": {\n    "path": "/dev/ttyS0",\n    "BAUDRATE": 4800\n  }\n}\n';
    const issues = await issuesOf("nested.json", text);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "gps.BAUDRATE", line: 5, expected: '"baudRate"' });
  });

  it("lists the known keys when nothing is close", async () => {
    const issues = await issuesOf("far.json", '{"truckId": "T1", "log": {"verbosity": "debug"}}');

    expect(issues[0]?.path).toBe("log.verbosity");
    expect(issues[0]?.expected).toBe("one of level");
    expect(issues[0]?.message).not.toContain("did you mean");
  });
});

describe("wrong values", () => {
  it("reports a string baud rate with path, expected type, found value and line", async () => {
    const text = '{\n  "truckId": "T1",\n  "gps": {\n    "baudRate": "9600"\n  }\n}\n';
    const issues = await issuesOf("type.json", text);

    expect(issues).toEqual([
      {
        file: expect.any(String),
        path: "gps.baudRate",
        expected: "number",
        found: '"9600"',
        line: 4,
        message: "wrong type",
      },
    ]);
  });

  it("lists the standard baud rates for a non-standard one", async () => {
    const issues = await issuesOf(
      "baud.json",
      '{"truckId": "T1", "scale": {"path": "/dev/ttyS1", "baudRate": 9601}}',
    );

    expect(byPath(issues, "scale.baudRate").expected).toBe(
      "one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600",
    );
  });

  it("reports every problem of a file, in line order", async () => {
    const text = [
      "{",
      '  "truckId": "TRK/7",',
      '  "gps": { "maxHdop": 0, "epochIdleMs": 12.5 },',
      '  "scale": { "protocol": "modbus" },',
      '  "mqtt": { "protocolVersion": 3, "topicPrefix": "/muck" },',
      '  "outbox": { "syncIntervalMs": 5000 },',
      '  "colour": "yellow"',
      "}",
    ].join("\n");
    const issues = await issuesOf("many.json", text);

    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [2, "truckId"],
      [3, "gps.maxHdop"],
      [3, "gps.epochIdleMs"],
      [4, "scale.path"],
      [4, "scale.protocol"],
      [5, "mqtt.protocolVersion"],
      [5, "mqtt.topicPrefix"],
      [6, "outbox.syncIntervalMs"],
      [7, "colour"],
    ]);
    expect(byPath(issues, "gps.maxHdop").expected).toBe("> 0");
    expect(byPath(issues, "gps.epochIdleMs")).toMatchObject({ expected: "integer", found: "12.5" });
    expect(byPath(issues, "scale.path")).toMatchObject({
      found: "nothing",
      message: "required option is missing",
    });
    expect(byPath(issues, "scale.protocol").expected).toBe('one of "ascii", "sics", "toledo"');
    expect(byPath(issues, "mqtt.protocolVersion")).toMatchObject({
      expected: "one of 4, 5",
      found: "3",
    });
    expect(byPath(issues, "outbox.syncIntervalMs")).toMatchObject({
      expected: "<= 1000",
      found: "5000",
    });
  });

  it("requires truckId and names it even though it is absent from the file", async () => {
    const issues = await issuesOf("no-id.json", '{\n  "gps": {}\n}');
    expect(issues).toMatchObject([
      { path: "truckId", expected: "string", found: "nothing", line: 1 },
    ]);
  });

  it("rejects truck ids that would break a topic or exceed 64 characters", async () => {
    for (const truckId of ["TRK 1", "a/b", "a+b", "", "x".repeat(65)]) {
      const issues = await issuesOf("id.json", JSON.stringify({ truckId }));
      expect(
        issues.map((issue) => issue.path),
        truckId,
      ).toEqual(["truckId"]);
    }
    expect(
      (await checkConfig(files.write("id-ok.json", { truckId: "x".repeat(64) }))).issues,
    ).toEqual([]);
  });

  it("cuts a long found value to about 60 characters", async () => {
    const issues = await issuesOf(
      "long.json",
      JSON.stringify({ truckId: "T1", gps: { path: ["a".repeat(200)] } }),
    );
    const found = byPath(issues, "gps.path").found;

    expect(found.length).toBe(60);
    expect(found.startsWith('["aaaa')).toBe(true);
    expect(found.endsWith("…")).toBe(true);
  });
});

describe("mqtt", () => {
  it("accepts only mqtt:// and mqtts:// broker URLs", async () => {
    for (const url of ["http://broker:1883", "ws://broker:8080", "broker:1883", "mqtt://"]) {
      const issues = await issuesOf("url.json", JSON.stringify({ truckId: "T1", mqtt: { url } }));
      expect(issues, url).toMatchObject([{ path: "mqtt.url", found: JSON.stringify(url) }]);
      expect(issues[0]?.expected).toContain("mqtt://");
    }
    const good = await loadConfig(
      files.write("url-ok.json", { truckId: "T1", mqtt: { url: "mqtts://b.example:8883" } }),
    );
    expect(good.mqtt.url).toBe("mqtts://b.example:8883");
  });

  it("does not echo a password embedded in a rejected URL", async () => {
    const url = "http://fleet:urlpass@broker:1883";
    const issues = await issuesOf("url-pw.json", JSON.stringify({ truckId: "T1", mqtt: { url } }));
    expect(issues[0]?.found).toBe('"http://fleet:(hidden)@broker:1883"');
  });

  it("rejects topic prefixes with wildcards, empty levels or a leading $", async () => {
    for (const topicPrefix of ["muck/+", "#", "/muck", "muck/", "a//b", "$SYS", ""]) {
      const issues = await issuesOf(
        "topic.json",
        JSON.stringify({ truckId: "T1", mqtt: { topicPrefix } }),
      );
      expect(
        issues.map((issue) => issue.path),
        topicPrefix,
      ).toEqual(["mqtt.topicPrefix"]);
    }
    const good = await loadConfig(
      files.write("topic-ok.json", { truckId: "T1", mqtt: { topicPrefix: "city/muck" } }),
    );
    expect(good.mqtt.topicPrefix).toBe("city/muck");
  });

  it("rejects a password without a username on MQTT 3.1.1 and never prints it", async () => {
    const issues = await issuesOf(
      "pw.json",
      JSON.stringify({ truckId: "T1", mqtt: { password: "s3cret" } }),
    );

    expect(issues).toMatchObject([{ path: "mqtt.password", found: "(hidden)" }]);
    expect(JSON.stringify(issues)).not.toContain("s3cret");

    const v5 = { truckId: "T1", mqtt: { password: "s3cret", protocolVersion: 5 } };
    expect((await checkConfig(files.write("pw5.json", v5))).issues).toEqual([]);
  });
});

describe("cross-field checks", () => {
  it("rejects a reopen floor above its ceiling, alongside other errors of the section", async () => {
    const text =
      '{\n  "truckId": "T1",\n  "gps": {\n    "reopenMinMs": 5000,\n    "reopenMaxMs": 1000,\n    "maxHdop": "high"\n  }\n}';
    const issues = await issuesOf("reopen.json", text);

    expect(issues.map((issue) => issue.path)).toEqual(["gps.reopenMinMs", "gps.maxHdop"]);
    expect(byPath(issues, "gps.reopenMinMs")).toMatchObject({
      found: "5000",
      line: 4,
      expected: "at most reopenMaxMs (1000)",
    });
  });

  it("rejects a reconnect floor above its ceiling and an epoch idle beyond the silence watchdog", async () => {
    const config = {
      truckId: "T1",
      mqtt: { reconnectMinMs: 200_000 },
      gps: { silenceTimeoutS: 0.2 },
      scale: { path: "/dev/ttyS1", reopenMinMs: 40_000 },
    };
    const issues = await issuesOf("cross.json", JSON.stringify(config, null, 2));

    expect(issues.map((issue) => issue.path).sort()).toEqual([
      "gps.epochIdleMs",
      "mqtt.reconnectMinMs",
      "scale.reopenMinMs",
    ]);
    expect(byPath(issues, "gps.epochIdleMs").expected).toBe(
      "less than silenceTimeoutS × 1000 (200)",
    );
    expect(byPath(issues, "mqtt.reconnectMinMs").expected).toBe("at most reconnectMaxMs (120000)");
  });
});

describe("unreadable files", () => {
  it("reports invalid JSON with its line and column", async () => {
    const file = files.write(
      "broken.json",
      '{\n  "truckId": "T1",\n  "gps": { "path": "/dev/ttyS0", }\n}\n',
    );

    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MuckError);
    expect((error as MuckError).code).toBe("CONFIG_NOT_JSON");
    expect((error as MuckError).message).toContain(`${file}:3:`);
    expect((error as MuckError).cause).toBeInstanceOf(JsonSyntaxError);
    expect((error as MuckError).cause).toMatchObject({ line: 3, column: 34 });

    const { issues } = await checkConfig(file);
    expect(issues).toMatchObject([{ path: "", line: 3, expected: "valid JSON", found: '"}"' }]);
  });

  it("reports a missing file by its path", async () => {
    const file = path.join(files.dir, "absent.json");

    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MuckError);
    expect((error as MuckError).code).toBe("CONFIG_NOT_FOUND");
    expect((error as MuckError).message).toContain(file);

    const { issues } = await checkConfig(file);
    expect(issues).toMatchObject([
      { file, path: "", found: "ENOENT", message: "config file not found" },
    ]);
  });

  it("throws a ConfigError carrying every issue for a schema failure", async () => {
    const file = files.write("invalid.json", {
      truckId: "T1",
      gps: { baudRate: "fast" },
      mqtt: { url: "http://x" },
    });

    const error = await loadConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("CONFIG_INVALID");
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      "gps.baudRate",
      "mqtt.url",
    ]);
  });
});
