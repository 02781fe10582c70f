/**
 * Row 1, ingest: sentences a second through the agent's input path (framing, parsing, fix
 * assembly, detection with 50 zones; records counted, not stored) against a bare nmea-simple
 * parse loop over the same lines, already split. Both ways run alternately three times; medians.
 */
import { parseNmeaSentence } from "nmea-simple";
import { buildZoneIndex } from "../../../config/zones/index.js";
import { seededRandom } from "../../../simulator/prng.js";
import { CITY_TIME_ZONE, makeCityZones } from "../../zones/city-zones.js";
import { alternate, median, timed, until, type BenchOptions, type RowResult } from "../measure.js";
import { benchConfig, truckAgent } from "../truck-agent.js";
import { truckStream } from "../workload.js";

export async function ingestRow(options: BenchOptions): Promise<RowResult> {
  const epochs = options.quick ? 3000 : 18_000;
  const stream = truckStream(0, epochs, true);
  const zones = buildZoneIndex(makeCityZones(50, seededRandom(7)), { timeZone: CITY_TIME_ZONE });
  const config = benchConfig("BENCH-INGEST");

  const agentRun = async () => {
    let records = 0;
    const agent = truckAgent(config, zones, () => records++);
    const ms = await timed(async () => {
      await agent.feed(stream, false);
      await until(() => agent.linesSeen() >= stream.sentences, 60_000, "the GPS reader to see every line");
    });
    agent.close();
    return (stream.sentences / ms) * 1000;
  };
  const baselineRun = async () => {
    let parsed = 0;
    const ms = await timed(() => {
      for (const line of stream.lines) if (parseNmeaSentence(line).sentenceId !== undefined) parsed++;
    });
    return (parsed / ms) * 1000;
  };

  const runs = await alternate(3, agentRun, baselineRun);
  const agent = median(runs.agent);
  const baseline = median(runs.baseline);
  return {
    id: "1",
    name: "Ingest (sentences/s)",
    unit: "sentences/s",
    agent,
    baseline,
    ratio: agent / baseline,
    target: "≥ 0.5",
    met: agent / baseline >= 0.5,
    detail: { sentences: stream.sentences, epochs, zones: 50, runs },
  };
}
