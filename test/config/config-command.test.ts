import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { configCommand } from "../../agent/cli/config-command.js";
import { CONFIG_DIR, tempFiles } from "./temp-files.js";

const files = tempFiles();
afterAll(() => files.remove());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run `config …` as the CLI would, capturing both streams and the exit code. */
async function run(...args: string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
  process.exitCode = undefined;

  await configCommand().parseAsync(args, { from: "user" });

  vi.restoreAllMocks();
  return {
    stdout: stdout.join(""),
    stderr: stderr.join(""),
    exitCode: Number(process.exitCode ?? 0),
  };
}

describe("config check", () => {
  it("says OK with a summary of what the agent will talk to", async () => {
    const file = path.join(CONFIG_DIR, "example.json");
    const result = await run("check", file);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      `${file}: OK — truck TRK-0001; ` +
        "gps /dev/serial/by-id/usb-u-blox_AG_-_www.u-blox.com_u-blox_GNSS_receiver-if00 at 9600 baud; " +
        "scale sics on /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K4XYZ-if00-port0 at 9600 baud; " +
        "mqtt mqtts://telemetry.example.com:8883 (MQTT 5)\n",
    );
  });

  it("prints every problem as FILE:LINE: path: message and exits 1", async () => {
    const text =
      '{\n  "truckId": "T1",\n  "gps": { "baudRate": "9600" },\n  "mqtt": { "url": "http://broker" },\n  "cadenc": {}\n}\n';
    const file = files.write("bad.json", text);
    const result = await run("check", file);

    expect(result.exitCode).toBe(1);
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      `${file}:3: gps.baudRate: wrong type (expected number, found "9600")`,
      `${file}:4: mqtt.url: not an MQTT broker URL (expected an mqtt:// or mqtts:// URL with a host, found "http://broker")`,
      `${file}:5: cadenc: unknown option "cadenc" at the top level; did you mean "cadence"? (expected "cadence", found "cadenc")`,
      `${file}: 3 problems`,
    ]);
    expect(result.stderr).toBe("");
  });

  it("reports broken JSON and a missing file as problems too", async () => {
    const broken = files.write("broken.json", '{\n  "truckId": "T1"\n  "gps": {}\n}');
    const brokenRun = await run("check", broken);
    expect(brokenRun.exitCode).toBe(1);
    expect(brokenRun.stdout).toContain(
      `${broken}:3: (file): not valid JSON: expected ',' or '}' after the value (line 3, column 3)`,
    );

    const absent = path.join(files.dir, "absent.json");
    const absentRun = await run("check", absent);
    expect(absentRun.exitCode).toBe(1);
    expect(absentRun.stdout).toContain(
      `${absent}: (file): config file not found (expected a readable JSON file, found ENOENT)`,
    );
  });
});

describe("config print", () => {
  it("prints the config with every default filled in", async () => {
    const result = await run("print", path.join(CONFIG_DIR, "minimal.json"));
    const printed = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;

    expect(result.exitCode).toBe(0);
    expect(printed.gps?.baudRate).toBe(9600);
    expect(printed.mqtt?.keepaliveS).toBe(240);
    expect(printed.outbox?.maxBytes).toBe(536_870_912);
    expect(printed).not.toHaveProperty("scale");
  });

  it("hides the broker password unless asked", async () => {
    const file = files.write("secret.json", {
      truckId: "T1",
      mqtt: { url: "mqtt://fleet:urlpass@broker:1883", username: "fleet", password: "s3cret" },
    });

    const hidden = await run("print", file);
    expect(hidden.stdout).not.toContain("s3cret");
    expect(hidden.stdout).not.toContain("urlpass");
    expect(JSON.parse(hidden.stdout).mqtt.password).toBe("(hidden)");

    const shown = await run("print", file, "--show-secrets");
    expect(JSON.parse(shown.stdout).mqtt).toMatchObject({
      password: "s3cret",
      url: "mqtt://fleet:urlpass@broker:1883",
    });
  });

  it("sends the problems of an invalid file to stderr and prints nothing", async () => {
    const result = await run("print", files.write("invalid.json", { truckId: "T 1" }));

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(": truckId: not a usable truck id");
  });
});

describe("config defaults", () => {
  it("prints the option table as markdown", async () => {
    const result = await run("defaults");
    const lines = result.stdout.trimEnd().split("\n");

    expect(result.exitCode).toBe(0);
    expect(lines[0]).toBe("| Option | Default | Unit | Description |");
    expect(lines).toContain(
      "| `mqtt.keepaliveS` | `240` | s | MQTT keepalive; long enough to spare cellular data, short enough to notice a dead link. 0 disables. |",
    );
  });
});
