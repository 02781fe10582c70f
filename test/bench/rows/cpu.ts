/**
 * Row 2, CPU per truck-hour (absolute): the process's CPU time (user + system, LevelDB's threads
 * included) for one hour of 10 Hz GPS (eight sentences an epoch) and 10 Hz scale frames through
 * the whole input path — framing, parsing, fix assembly, detection with 50 zones, records into a
 * real LevelDB outbox with group commit — replayed as fast as it goes. --quick replays six
 * minutes and scales by ten.
 *
 * Several hours go through one agent, and the median of the hours after the first is the figure:
 * the agent runs for months, and what a gateway pays every hour is the steady state. The first
 * hour also pays V8 compiling the input path (0.3-0.5 CPU s, measured by switching parts off) and
 * is reported beside it. A median of five, because this virtual machine's speed drifts by a third
 * within minutes and one hour's figure drifts with it.
 */
import { join } from "node:path";
import { Outbox } from "../../../agent/outbox.js";
import { outboxOptionsFor } from "../../../agent/storage-budget.js";
import { buildZoneIndex } from "../../../config/zones/index.js";
import { seededRandom } from "../../../simulator/prng.js";
import { CITY_TIME_ZONE, makeCityZones } from "../../zones/city-zones.js";
import { median, until, type BenchOptions, type RowResult } from "../measure.js";
import { benchConfig, truckAgent, type TruckAgent } from "../truck-agent.js";
import { EPOCHS_PER_HOUR, truckStream, type TruckStream } from "../workload.js";

const TARGET_S = 1;
/** Hours measured after the first. */
const STEADY_HOURS = 5;

export async function cpuRow(options: BenchOptions): Promise<RowResult> {
  const epochs = options.quick ? EPOCHS_PER_HOUR / 10 : EPOCHS_PER_HOUR;
  const zones = buildZoneIndex(makeCityZones(50, seededRandom(7)), { timeZone: CITY_TIME_ZONE });
  const config = benchConfig("BENCH-CPU");
  const outbox = await Outbox.open(join(options.scratch, "cpu-outbox"), outboxOptionsFor(config.outbox));

  let records = 0;
  const pending: Array<Promise<void>> = [];
  const agent = truckAgent(config, zones, (record) => {
    records++;
    pending.push(outbox.accept(record));
  });

  // Every record of the hour synced before its clock stops: the outbox's work is the hour's too.
  const settle = async () => {
    await outbox.flush();
    await Promise.all(pending.splice(0));
  };
  const firstHour = await replayHour(agent, truckStream(0, epochs), settle);
  const laterHours: Array<Awaited<ReturnType<typeof replayHour>>> = [];
  for (let hour = 1; hour <= STEADY_HOURS; hour++) {
    const input = truckStream(hour * epochs, epochs);
    collectGarbage();
    laterHours.push(await replayHour(agent, input, settle));
  }
  agent.close();
  await outbox.close();

  const scale = EPOCHS_PER_HOUR / epochs;
  const cpuS = median(laterHours.map((hour) => hour.cpuS)) * scale;
  return {
    id: "2",
    name: "CPU per truck-hour (absolute), median of hours 2-6 of a run",
    unit: "CPU s",
    agent: cpuS,
    baseline: null,
    ratio: cpuS / TARGET_S,
    target: `≤ ${TARGET_S} s`,
    met: cpuS <= TARGET_S,
    detail: { epochs, sentences: firstHour.sentences, scaleFrames: epochs, records, firstHourCpuS: firstHour.cpuS * scale, laterHoursCpuS: laterHours.map((hour) => hour.cpuS * scale), laterHours, scaledBy: scale },
  };
}

/** Feeds one stream and waits until every line went through and its records are synced; the process's CPU time it took. */
async function replayHour(agent: TruckAgent, stream: TruckStream, settle: () => Promise<void>): Promise<{ cpuS: number; userS: number; systemS: number; wallS: number; sentences: number }> {
  const seenBefore = agent.linesSeen();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await agent.feed(stream, true);
  await until(() => agent.linesSeen() - seenBefore >= stream.sentences, 120_000, "the GPS reader to see every line");
  await settle();
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuS: (cpu.user + cpu.system) / 1e6,
    userS: cpu.user / 1e6,
    systemS: cpu.system / 1e6,
    wallS: (performance.now() - wallStart) / 1000,
    sentences: stream.sentences,
  };
}

/**
 * The previous hour's input (tens of megabytes the bench made, which an agent reading a serial
 * port never holds) collected before the next hour's clock starts. `npm run bench` runs node with
 * --expose-gc; without it the second hour pays for that garbage too.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
