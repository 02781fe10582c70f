/** `muck-agent consume --file`: the reference consumer as a platform engineer runs it. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeBatch } from "../../agent/batch.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { fixAt } from "../outbox/records-fixture.js";

const CLI = join(import.meta.dirname, "../../agent/cli/main.ts");
let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir("muck-consume-");
});
afterEach(async () => {
  await dir.remove();
});

describe("muck-agent consume --file", () => {
  it("unpacks a batch, drops the duplicate, orders by seq and summarises gaps", () => {
    const factory = new RecordFactory("TRK-C", SequenceStore.open(dir.path));
    const positions = Array.from({ length: 6 }, (_, i) => factory.position(fixAt(i)));
    const alarm = factory.event({ type: "overspeed", severity: "alarm", startedAt: "2026-12-03T08:00:00.000Z" });
    const line = (topic: string, payload: Buffer) => JSON.stringify({ topic, payload: payload.toString("base64") });
    const messages = [
      line("muck/TRK-C/event", Buffer.from(JSON.stringify(alarm))),
      line("muck/TRK-C/batch", encodeBatch([positions[3]!, positions[4]!])),
      line("muck/TRK-C/position", Buffer.from(JSON.stringify(positions[0]))),
      line("muck/TRK-C/position", Buffer.from(JSON.stringify(positions[0]))),
      line("muck/TRK-C/status", Buffer.from('{"online":true}')),
    ];
    const file = join(dir.path, "received.ndjson");
    writeFileSync(file, messages.join("\n") + "\n");

    const out = execFileSync(process.execPath, ["--import", "tsx", CLI, "consume", "--file", file], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));

    const summary = out.pop();
    expect(out.map((r) => r.seq)).toEqual([positions[0]!.seq, positions[3]!.seq, positions[4]!.seq, alarm.seq]);
    expect(summary.summary["TRK-C"]).toMatchObject({
      records: 4,
      duplicates: 1,
      gaps: [
        [positions[1]!.seq, positions[2]!.seq],
        [positions[5]!.seq, positions[5]!.seq],
      ],
      accounted: [],
    });
    expect(summary.skippedMessages).toBe(1);
  });
});

describe("muck-agent consume --url", () => {
  it("gets what queued in its persistent session while it was away", async () => {
    const { startAedes } = await import("../mqtt/aedes-broker.js");
    const mqtt = (await import("mqtt")).default;
    const { execFile } = await import("node:child_process");
    const broker = await startAedes();
    try {
      // The consumer's session exists (it subscribed once) but the consumer is gone.
      const first = await mqtt.connectAsync(broker.url, { clientId: "platform-1", clean: false });
      await first.subscribeAsync("muck/+/+", { qos: 1 });
      await first.endAsync();

      const factory = new RecordFactory("TRK-Q", SequenceStore.open(dir.path));
      const queued = Array.from({ length: 5 }, (_, i) => factory.position(fixAt(i)));
      const truck = await mqtt.connectAsync(broker.url, { clientId: "TRK-Q" });
      for (const record of queued) await truck.publishAsync("muck/TRK-Q/position", JSON.stringify(record), { qos: 1 });
      await truck.endAsync();

      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["--import", "tsx", CLI, "consume", "--url", broker.url, "--client-id", "platform-1", "--idle-exit", "1", "--duration", "10"], (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
      const lines = out.trim().split("\n").map((l) => JSON.parse(l));
      const summary = lines.pop();
      expect(lines.map((r) => r.id)).toEqual(queued.map((r) => r.id));
      expect(summary.summary["TRK-Q"]).toMatchObject({ records: 5, gaps: [] });
    } finally {
      await broker.close();
    }
  });
});
