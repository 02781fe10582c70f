/**
 * The positive control with the real agent process (test/faults harness): signed with a key made
 * by identity's own code, a backlog built with no coverage, a clean stop and restart, a drain over
 * a slow cell with kill -9 in the middle of it, PUBACKs lost just before (those records are sent
 * again: duplicates), and a final drain. Everything the platform received must verify clean, every record verified — and
 * the same stream with one record taken out must not.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentRecord } from "../../agent/contracts.js";
import { unpackMessage } from "../../agent/consumer.js";
import { parsePublicKey } from "../../agent/trail/identity.js";
import { createKeyPair } from "../../agent/trail/key-files.js";
import { verifyTruck } from "../../agent/trail/verifier.js";
import { FaultRig } from "../faults/harness.js";
import { FaultLink } from "../faults/link.js";
import { makeTempDir } from "../helpers/temp-dir.js";
import { sleep, waitFor } from "../helpers/wait-for.js";
import { mosquittoPresent, requireMosquitto, startMosquitto } from "../mqtt/mosquitto.js";

const MAX_IN_FLIGHT = 8;
const BATCH_RECORDS = 50;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("the trail of the real agent", () => {
  it("finds mosquitto (fails in CI when it is missing)", () => {
    requireMosquitto();
  });

  const title = "an honest stream with duplicates, a restart, kill -9s and a drain verifies clean";
  it.skipIf(!mosquittoPresent)(title, async () => {
    const keys = await makeTempDir("muck-trail-keys-");
    cleanups.push(() => keys.remove());
    const pair = createKeyPair(keys.path, false);
    const mosquitto = await startMosquitto({ persistence: true, config: ["max_queued_messages 0"] });
    cleanups.push(() => mosquitto.stop());
    const link = new FaultLink({ brokerPort: mosquitto.port, bytesPerS: 4_000 });
    await link.start();
    cleanups.push(() => link.close());
    const r = await FaultRig.create({
      agentUrl: link.url,
      consumerUrl: mosquitto.url,
      epochsPerS: 200,
      saveMessages: true,
      agent: {
        identity: { keyFile: pair.privateKeyFile },
        mqtt: { maxInFlight: MAX_IN_FLIGHT },
        backfill: { minBacklog: 20, maxRecords: BATCH_RECORDS, maxBytes: 4800 },
      },
    });
    cleanups.push(() => r.close());

    link.refuse();
    r.startAgent();
    await waitFor(() => r.ledger.accepted >= 1500, 40_000, "a backlog of 1500 records");
    await r.stopAgent();
    r.startAgent();
    link.restore();
    for (let kill = 0; kill < 3; kill++) {
      const delivered = r.subscriber.recordMessages;
      await waitFor(() => r.subscriber.recordMessages > delivered + 3, 30_000, `deliveries before kill ${kill}`);
      // PUBACKs lost in the cell just before the kill: what went out meanwhile reached the
      // platform and is sent again by the next run, the duplicates at-least-once delivery makes.
      link.acksLost = true;
      await sleep(400);
      await r.kill9();
      link.acksLost = false;
      r.startAgent();
    }
    link.bytesPerS = undefined;
    const fresh = await r.finish(90_000);
    expect(r.oracle(fresh).failures).toEqual([]);

    const received: AgentRecord[] = r.subscriber.saved!.flatMap((m) => unpackMessage({ topic: m.topic, payload: Buffer.from(m.payload, "base64") }) ?? []);
    const publicKey = parsePublicKey(readFileSync(join(keys.path, "identity.pub"), "utf8"))!;
    const window = { replayWindow: MAX_IN_FLIGHT * BATCH_RECORDS };
    const verdict = verifyTruck(received, [publicKey], window);
    process.stderr.write(`trail: ${JSON.stringify({ ...verdict, skipped: verdict.skipped.length })}\n`);
    expect({ ...verdict, skipped: [] }).toMatchObject({ missing: [], reordered: [], modified: [], inserted: [], replayed: [], badSignature: [], tampered: false });
    expect(verdict.verified).toBe(verdict.records);
    expect(verdict.records).toBeGreaterThanOrEqual(1500);
    expect(verdict.duplicates).toBeGreaterThan(0);

    // The control's control: one position less and the same stream fails.
    const taken = received.findIndex((rec) => rec.kind === "position" && rec.seq > 100 && rec.sig === undefined);
    const seq = received[taken]!.seq;
    const without = received.filter((rec) => rec.seq !== seq);
    expect(verifyTruck(without, [publicKey], window).missing).toEqual([[seq, seq]]);
  }, 240_000);
});
