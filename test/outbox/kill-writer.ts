/** Child process for the SIGKILL test: accepts records forever, printing each seq once accepted. */
import { join } from "node:path";
import { Outbox } from "../../agent/outbox.js";
import { recordMaker } from "./records-fixture.js";

const dir = process.argv[2]!;
const outbox = await Outbox.open(join(dir, "outbox"), { syncIntervalMs: 20 });
const make = recordMaker(dir);

for (;;) {
  const batch = make(10);
  await Promise.all(
    batch.map(async (record) => {
      await outbox.accept(record);
      process.stdout.write(`${record.seq}\n`);
    }),
  );
}
