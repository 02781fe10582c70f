/**
 * Child process for the SIGKILL and strace tests: accepts records (forever, or until the count
 * in argv[3]), printing each seq once accepted.
 */
import { join } from "node:path";
import { Outbox } from "../../agent/outbox.js";
import { recordMaker } from "./records-fixture.js";

const dir = process.argv[2]!;
const limit = process.argv[3] === undefined ? Infinity : Number(process.argv[3]);
const outbox = await Outbox.open(join(dir, "outbox"), { syncIntervalMs: 20 });
const make = recordMaker(dir);

for (let written = 0; written < limit; written += 10) {
  const batch = make(10);
  await Promise.all(
    batch.map(async (record) => {
      await outbox.accept(record);
      process.stdout.write(`${record.seq}\n`);
    }),
  );
}

await outbox.close();
