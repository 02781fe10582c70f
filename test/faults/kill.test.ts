/**
 * kill -9 of the real agent, judged by the oracle (oracle.ts):
 * (a) thousands of records buffered with the broker down, kill -9, restart, broker back;
 * (b) 20 kills at seeded random points while a backlog drains over a slow link and new records
 *     keep coming, then a clean run to completion.
 * Seeds are printed at the start; MUCK_FAULT_SEED=<seed> replays the same kill points.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { mosquittoPresent, requireMosquitto, startMosquitto, type Mosquitto } from "../mqtt/mosquitto.js";
import { FaultRig, type RigOptions } from "./harness.js";
import { FaultLink } from "./link.js";
import { faultSeed } from "./seed.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** mosquitto that keeps the subscriber's session and queue across a stop (it is down for a while). */
async function broker(): Promise<Mosquitto> {
  const mosquitto = await startMosquitto({ persistence: true, config: ["max_queued_messages 0"] });
  cleanups.push(() => mosquitto.stop());
  return mosquitto;
}

async function rig(options: RigOptions): Promise<FaultRig> {
  const created = await FaultRig.create(options);
  cleanups.push(() => created.close());
  return created;
}

function report(label: string, text: string): void {
  process.stderr.write(`${label}: ${text}\n`);
}

describe("kill -9 of the agent", () => {
  it("finds mosquitto (fails in CI when it is missing)", () => {
    requireMosquitto();
  });

  const a = "(a) with thousands buffered and the broker down: restart, broker back, every record arrives";
  it.skipIf(!mosquittoPresent)(a, async () => {
    const mosquitto = await broker();
    const r = await rig({ agentUrl: mosquitto.url, consumerUrl: mosquitto.url, epochsPerS: 400 });
    await mosquitto.halt(); // the subscriber's session is saved; the agent will never reach it

    r.startAgent();
    await waitFor(() => r.ledger.accepted >= 3000, 40_000, "3000 records accepted with the broker down");
    const crash = await r.kill9();
    // Nothing was ever acknowledged, so the store the crash left holds every accepted record.
    const notInStore: string[] = [];
    for (let seq = 1; seq <= r.ledger.maxSeq; seq++) {
      if (r.ledger.isAccepted(seq) && !crash.storeSeqs.has(seq)) notInStore.push(r.ledger.id(seq));
    }
    expect(notInStore).toEqual([]);

    r.startAgent();
    const restarted = r.ledger.accepted;
    await waitFor(() => r.ledger.accepted >= restarted + 500, 20_000, "records accepted after the restart");
    await mosquitto.resume();
    const fresh = await r.finish();

    const { failures, figures } = r.oracle(fresh);
    const maxRssMB = Math.round(r.maxRssKb / 1024);
    report("kill (a)", JSON.stringify({ ...figures, storeAtCrash: crash.storeSeqs.size, maxRssMB }));
    expect(failures).toEqual([]);
    expect(r.runs[1]!.firstSeq).toBeGreaterThan(r.runs[0]!.lastSeq!);
    expect(figures.deliveredUnique).toBeGreaterThanOrEqual(3500);
    expect(figures.accountedMissing).toBe(0);
  }, 150_000);

  const b = "(b) 20 kills at random points during a drain: every record arrives, first deliveries in order";
  it.skipIf(!mosquittoPresent)(b, async () => {
    const { seed, random, between } = faultSeed("kill (b)");
    const mosquitto = await broker();
    // A slow cell: 1 kB/s up (about 80 batched records a second at ~12 bytes a position), so
    // the backlog of thousands lasts through most of the kills; full speed for the final run.
    const link = new FaultLink({ brokerPort: mosquitto.port, bytesPerS: 1_000 });
    await link.start();
    cleanups.push(() => link.close());
    const r = await rig({ agentUrl: link.url, consumerUrl: mosquitto.url, epochsPerS: 400 });

    link.refuse();
    r.startAgent();
    await waitFor(() => r.ledger.accepted >= 3000, 40_000, "a backlog of 3000 records");
    r.feed.epochsPerS = 60;
    link.restore();

    const kills: string[] = [];
    const owedAtKills: number[] = [];
    let durableUnreported = 0;
    for (let i = 0; i < 20; i++) {
      const agent = r.agent ?? r.startAgent();
      const messagesAtStart = r.subscriber.recordMessages;
      const anchor = i === 0 ? "delivery" : pick(random(), [["spawn", 0.2], ["started", 0.3], ["delivery", 0.5]]);
      const delayMs = anchor === "spawn" ? between(100, 1500) : between(50, 800);
      if (anchor === "started") await agent.waitForLog("agent started");
      if (anchor === "delivery") {
        await waitFor(() => r.subscriber.recordMessages > messagesAtStart, 30_000, `a delivery in run ${r.currentRun!.index}`);
      }
      await sleep(delayMs);

      const run = r.currentRun!;
      const owed = r.ledger.outstanding().length;
      const { unreported } = await r.kill9();
      durableUnreported += unreported;
      owedAtKills.push(owed);
      kills.push(`${anchor}+${delayMs}ms: ${run.accepted} accepted, ${owed} owed, ${unreported} unreported`);
    }
    report("kill (b)", `seed ${seed}, kills: ${kills.join("; ")}`);

    link.bytesPerS = undefined;
    r.startAgent();
    const fresh = await r.finish(90_000);
    const { failures, figures } = r.oracle(fresh);
    const maxRssMB = Math.round(r.maxRssKb / 1024);
    report("kill (b)", JSON.stringify({ seed, ...figures, runs: r.runs.length, maxRssMB }));
    expect(failures).toEqual([]);
    expect(r.runs.filter((run) => run.end === "killed")).toHaveLength(20);
    expect(figures.durableUnreported).toBe(durableUnreported);
    expect(figures.accountedMissing).toBe(0);
    expect(figures.deliveredUnique).toBeGreaterThanOrEqual(3000);
    // The kills landed in a drain: at most of them hundreds of records were still owed.
    expect(owedAtKills.filter((owed) => owed >= 500).length).toBeGreaterThanOrEqual(10);
  }, 240_000);
});

/** Picks a name by weight; `u` is uniform in [0, 1). */
function pick<T extends string>(u: number, weighted: Array<[T, number]>): T {
  let left = u;
  for (const [name, weight] of weighted) {
    if (left < weight) return name;
    left -= weight;
  }
  return weighted.at(-1)![0];
}
