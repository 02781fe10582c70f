/**
 * Row 2, CPU per truck-hour (absolute): the process's CPU time (user + system, LevelDB's threads
 * included) for one hour of 10 Hz GPS (eight sentences an epoch) and 10 Hz scale frames through
 * the whole input path — framing, parsing, fix assembly, detection with 50 zones, records into a
 * real LevelDB outbox with group commit — replayed as fast as it goes. --quick replays six
 * minutes and scales by ten.
 */
import { join } from "node:path";
import { Outbox } from "../../../agent/outbox.js";
import { outboxOptionsFor } from "../../../agent/storage-budget.js";
import { buildZoneIndex } from "../../../config/zones/index.js";
import { seededRandom } from "../../../simulator/prng.js";
import { CITY_TIME_ZONE, makeCityZones } from "../../zones/city-zones.js";
import { until, type BenchOptions, type RowResult } from "../measure.js";
import { benchConfig, truckAgent } from "../truck-agent.js";
import { EPOCHS_PER_HOUR, truckStream } from "../workload.js";

const TARGET_S = 1;

export async function cpuRow(options: BenchOptions): Promise<RowResult> {
  const epochs = options.quick ? EPOCHS_PER_HOUR / 10 : EPOCHS_PER_HOUR;
  const stream = truckStream(0, epochs);
  const zones = buildZoneIndex(makeCityZones(50, seededRandom(7)), { timeZone: CITY_TIME_ZONE });
  const config = benchConfig("BENCH-CPU");
  const outbox = await Outbox.open(join(options.scratch, "cpu-outbox"), outboxOptionsFor(config.outbox));

  let records = 0;
  const pending: Array<Promise<void>> = [];
  const agent = truckAgent(config, zones, (record) => {
    records++;
    pending.push(outbox.accept(record));
  });

  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await agent.feed(stream, true);
  await until(() => agent.linesSeen() >= stream.sentences, 120_000, "the GPS reader to see every line");
  agent.close();
  await outbox.flush();
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpuStart);
  const wallS = (performance.now() - wallStart) / 1000;
  await outbox.close();

  const cpuS = ((cpu.user + cpu.system) / 1e6) * (EPOCHS_PER_HOUR / epochs);
  return {
    id: "2",
    name: "CPU per truck-hour (absolute)",
    unit: "CPU s",
    agent: cpuS,
    baseline: null,
    ratio: cpuS / TARGET_S,
    target: `≤ ${TARGET_S} s`,
    met: cpuS <= TARGET_S,
    detail: { epochs, sentences: stream.sentences, scaleFrames: epochs, records, userS: cpu.user / 1e6, systemS: cpu.system / 1e6, wallS, scaledBy: EPOCHS_PER_HOUR / epochs },
  };
}
