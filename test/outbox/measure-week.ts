/**
 * Measures what a week of 1 Hz positions (604,800 records, the trip-recorder standard's 168 hours)
 * takes in the outbox on disk: `npx tsx test/outbox/measure-week.ts`. Prints one JSON line.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outbox } from "../../agent/outbox.js";
import { RecordFactory } from "../../agent/records.js";
import { SequenceStore } from "../../agent/sequence.js";
import { fixAt } from "./records-fixture.js";
import { mkdtempSync } from "node:fs";
const dir = mkdtempSync(join(tmpdir(), "muck-week-"));
const outbox = await Outbox.open(dir + "/outbox", { syncIntervalMs: 5 });
const f = new RecordFactory("TRK-0001", SequenceStore.open(dir));
const N = 604_800;
for (let i = 0; i < N; i += 5000) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 5000); j++) {
    const fx = fixAt(j % 60, 31.2 + Math.sin(j / 5000) * 0.1, 121.4 + Math.cos(j / 7000) * 0.1);
    fx.time = new Date(Date.UTC(2026, 11, 1) + j * 1000).toISOString();
    fx.speedKmh = 30 + (j % 50); fx.courseDeg = (j * 7) % 360;
    batch.push(f.position(fx));
  }
  await Promise.all(batch.map((r) => outbox.accept(r)));
}
await outbox.flush();
console.log(JSON.stringify({ positions: N, diskBytes: outbox.diskBytes(), bytesPerPosition: outbox.diskBytes() / N }));
await outbox.close();
rmSync(dir, { recursive: true, force: true });
