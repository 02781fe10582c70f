/**
 * Found by the fault-injection rig: a slow uplink that works is taken for a dead one.
 *
 * BUG (agent/uplink.ts, Uplink.armPubackWatch): a link is declared half-open when the *oldest*
 * publish in flight has waited `pubackTimeoutS` since it was sent. With a full window, that wait
 * is mostly queueing behind the messages sent before it: on a link slower than
 * maxInFlight × message size / pubackTimeoutS, PUBACKs arrive steadily and still every
 * connection is torn down, and what was in transit is thrown away and sent again. With the
 * defaults (32 in flight, 4800-byte batches, 30 s) that is any uplink below ~5.1 kB/s — a 2G
 * cell with a backlog. Time is scaled by 10 here: pubackTimeoutS 3 on a 5 kB/s link, where
 * the agent reconnects every few seconds while PUBACKs keep arriving (measured: 5 "no PUBACK in
 * time" in 20 s and a quarter less throughput than with a 30 s timeout).
 *
 * Fixed in the agent; this test keeps it fixed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { mosquittoPresent, startMosquitto } from "../mqtt/mosquitto.js";
import { FaultRig } from "./harness.js";
import { FaultLink } from "./link.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a slow uplink with a backlog", () => {
  // Was a bug: agent/uplink.ts Uplink.armPubackWatch times a publish from its send, queueing included (see top).
  it.skipIf(!mosquittoPresent)("is not declared half-open while PUBACKs keep arriving", async () => {
    const mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    const link = new FaultLink({ brokerPort: mosquitto.port, bytesPerS: 5_000 });
    await link.start();
    cleanups.push(() => link.close());
    const agentOptions = { mqtt: { pubackTimeoutS: 3 } };
    const r = await FaultRig.create({ agentUrl: link.url, consumerUrl: mosquitto.url, epochsPerS: 400, agent: agentOptions });
    cleanups.push(() => r.close());

    link.refuse();
    const agent = r.startAgent();
    await waitFor(() => r.ledger.accepted >= 1500, 30_000, "a backlog of 1500 records");
    r.feed.epochsPerS = 20;
    link.restore();
    await waitFor(() => r.ledger.deliveredUnique > 0, 10_000, "the first delivery");
    const deliveredAt = r.ledger.deliveredUnique;
    await sleep(10_000);

    // The link works: records arrive all along. It must not be torn down for being slow.
    expect(r.ledger.deliveredUnique).toBeGreaterThan(deliveredAt + 500);
    expect(agent.seen("no PUBACK in time: link presumed half-open, reconnecting")).toBe(0);
    expect(link.connections).toBe(1);
  }, 60_000);
});
