/**
 * A scenario end to end, the way the truck runs: virtual serial devices (ptys) for the receiver
 * and the indicator, value files for the switches, the real agent (in this process) reading
 * them, a broker (embedded aedes, or an external one) behind a cell link that outages cut, and a
 * subscriber on the platform's side collecting what the agent published. Ground truth and the
 * verdict come from what that subscriber received.
 *
 * Start consumers first, stop producers first: broker, link and subscriber, then the devices
 * and the agent, then playback; at the end playback stops, the agent's records are waited for
 * at the subscriber, the agent stops, and the rig comes down in reverse.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import mqtt from "mqtt";

import type { AgentRecord } from "../../agent/contracts.js";
import { MuckError } from "../../agent/errors.js";
import { ReferenceConsumer } from "../../agent/consumer.js";
import { logger } from "../../agent/log.js";
import { Agent } from "../../agent/runtime.js";
import { loadZonesForConfig } from "../../config/zones/for-config.js";
import { AgentConfigSchema, type AgentConfig } from "../../config/schema.js";
import { startDemoBroker } from "../demo-broker.js";
import { VirtualSerialDevice } from "../pty.js";
import { SimClock } from "../sim-clock.js";
import { rigConfig, scenarioAgentConfig } from "./agent-config.js";
import { CellLink } from "./cell-link.js";
import type { CompiledScenario } from "./compile.js";
import type { RigAction, Tick } from "./generate.js";
import type { InputName } from "./schema.js";
import { judge, type Reported, type Verdict } from "./verdict.js";

export interface RunOptions {
  /** 1 = real time; 50 plays an hour in 72 s. */
  speedFactor: number;
  /** An external broker; default an embedded aedes on a free loopback port. */
  brokerUrl?: string;
  /** The agent's log level (its JSON logs go to stderr). Default "warn". */
  logLevel?: string;
  /** Called after each scenario second is played. */
  onProgress?: (playedS: number, durationS: number, reported: number) => void;
  /** Stops playback early (Ctrl-C); what was reported so far is still judged. */
  signal?: AbortSignal;
}

export interface RunResult {
  /** Every record the subscriber received, each with when (scenario seconds). */
  received: Reported[];
  verdict: Verdict;
  /** Scenario seconds played (less than the scenario's when stopped early). */
  playedS: number;
  wallS: number;
}

/** How long, in wall time, the subscriber may take to receive what the agent accepted. */
const DELIVERY_WAIT_MS = 20_000;

const log = logger("sim");

export async function runScenario(compiled: CompiledScenario, options: RunOptions): Promise<RunResult> {
  const teardown: Array<() => Promise<unknown>> = [];
  const wallStart = performance.now();
  try {
    const dir = await mkdtemp(join(tmpdir(), `muck-scenario-${compiled.name}-`));
    teardown.push(() => rm(dir, { recursive: true, force: true }));

    const broker = options.brokerUrl === undefined ? await startDemoBroker(0) : null;
    if (broker !== null) teardown.push(() => broker.close());
    const brokerUrl = options.brokerUrl ?? broker!.url;
    const link = await CellLink.open(brokerUrl);
    teardown.push(() => link.close());

    const rig = await openRig(compiled, dir);
    teardown.push(() => rig.close());
    const config = await agentConfig(compiled, dir, rig, link.url, options);

    const clock = { current: null as SimClock | null };
    const received: Reported[] = [];
    const subscriber = await subscribe(brokerUrl, config, (record) => {
      received.push({ record, raisedS: clock.current?.elapsedS() ?? 0 });
    });
    teardown.push(() => subscriber.endAsync());

    const agent = new Agent(config, await loadZonesForConfig(config, dir));
    const accepted = new Set<string>();
    agent.onRecord = (record) => accepted.add(record.id);
    await agent.start();
    teardown.push(() => agent.stop());

    clock.current = new SimClock(options.speedFactor);
    const playedS = await play(compiled, rig, link, clock.current, options, () => received.length);

    // Whatever the scenario left cut is restored, so the backlog can reach the platform.
    link.up();
    await waitUntil(() => {
      const got = new Set(received.map((r) => r.record.id));
      return [...accepted].every((id) => got.has(id));
    }, DELIVERY_WAIT_MS);

    const events = received.filter((r) => r.record.kind === "event");
    const truth = compiled.truth.filter((event) => event.startS < playedS);
    const verdict = judge(truth, events, compiled.timeline.startMs, compiled.scenario.verdict.maxLateS);
    return { received, verdict, playedS, wallS: (performance.now() - wallStart) / 1000 };
  } finally {
    for (const step of teardown.reverse()) {
      await step().catch((error: unknown) => log.error({ err: (error as Error).message }, "scenario teardown step failed"));
    }
  }
}

interface Rig {
  gps: VirtualSerialDevice;
  scale: VirtualSerialDevice | null;
  inputPaths: Partial<Record<InputName, string>>;
  zonesFile: string;
  close(): Promise<void>;
}

async function openRig(compiled: CompiledScenario, dir: string): Promise<Rig> {
  const { scenario, resolved } = compiled;
  const gps = await VirtualSerialDevice.create({ devicePath: join(dir, "gps") });
  let scale: VirtualSerialDevice | null = null;
  try {
    if (scenario.scale !== undefined) scale = await VirtualSerialDevice.create({ devicePath: join(dir, "scale") });
  } catch (error) {
    await gps.close();
    throw error;
  }

  const inputPaths: Partial<Record<InputName, string>> = {};
  for (const [name, value] of Object.entries(scenario.inputs ?? {})) {
    inputPaths[name as InputName] = join(dir, `input-${name}`);
    await writeFile(join(dir, `input-${name}`), value ? "1\n" : "0\n");
  }
  const zonesFile = join(dir, "zones.geojson");
  await writeFile(zonesFile, JSON.stringify(resolved.agentZones));

  return {
    gps,
    scale,
    inputPaths,
    zonesFile,
    close: async () => {
      await Promise.all([gps.close(), scale?.close()]);
    },
  };
}

async function agentConfig(
  compiled: CompiledScenario,
  dir: string,
  rig: Rig,
  brokerUrl: string,
  options: RunOptions,
): Promise<AgentConfig> {
  const base = rigConfig({
    dataDir: join(dir, "data"),
    gpsPath: rig.gps.devicePath,
    scalePath: rig.scale?.devicePath,
    inputPaths: rig.inputPaths,
    brokerUrl,
    zonesFile: rig.zonesFile,
    speedFactor: options.speedFactor,
    logLevel: options.logLevel ?? "warn",
  });
  const parsed = AgentConfigSchema.safeParse(scenarioAgentConfig(compiled.scenario, base));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `agent.config.${issue.path.join(".")}: ${issue.message}`);
    throw new MuckError("SCENARIO_INVALID", `${compiled.name}: the agent's config is not valid\n${problems.join("\n")}`);
  }
  return parsed.data;
}

async function subscribe(url: string, config: AgentConfig, onRecord: (record: AgentRecord) => void): Promise<mqtt.MqttClient> {
  const consumer = new ReferenceConsumer();
  const clientId = `muck-scenario-platform-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 500 }, false).catch((error: Error) => {
    throw new MuckError("USAGE", `cannot reach the broker at ${url}: ${error.message}`, { cause: error });
  });
  client.on("message", (topic, payload) => {
    for (const record of consumer.receive({ topic, payload })) onRecord(record);
  });
  await client.subscribeAsync(`${config.mqtt.topicPrefix}/${config.truckId}/+`, { qos: 1 });
  return client;
}

/** Plays every second at its time; returns the scenario seconds played. */
async function play(
  compiled: CompiledScenario,
  rig: Rig,
  link: CellLink,
  clock: SimClock,
  options: RunOptions,
  reportedCount: () => number,
): Promise<number> {
  let played = 0;
  for (const tick of compiled.timeline.ticks) {
    if (!(await clock.until(tick.s, options.signal))) return played;
    for (const action of tick.actions) await act(action, rig, link);
    await playTick(tick, rig);
    played = tick.s + 1;
    options.onProgress?.(played, compiled.durationS, reportedCount());
  }
  // A few truck seconds more, so the last epoch closes and the last weights are judged.
  await clock.until(compiled.durationS + 3, options.signal);
  return played;
}

async function playTick(tick: Tick, rig: Rig): Promise<void> {
  for (const [name, value] of Object.entries(tick.inputs ?? {})) {
    const path = rig.inputPaths[name as InputName];
    if (path !== undefined) await writeFile(path, value ? "1\n" : "0\n");
  }
  const writes = [tick.gps === "" ? null : rig.gps.write(Buffer.from(tick.gps, "latin1"))];
  if (rig.scale !== null && tick.scale !== "") writes.push(rig.scale.write(Buffer.from(tick.scale, "latin1")));
  await Promise.all(writes);
}

async function act(action: RigAction, rig: Rig, link: CellLink): Promise<void> {
  log.info({ action }, "scenario rig action");
  if (action.kind === "brokerDown") link.down();
  else if (action.kind === "brokerUp") link.up();
  else {
    const device = action.device === "gps" ? rig.gps : rig.scale;
    if (device === null) return;
    if (action.kind === "unplug") await device.unplug(action.mode);
    else await device.replug();
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
