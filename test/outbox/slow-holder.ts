/** Child process for F10: holds the outbox, and on SIGTERM needs 2 s to flush before it exits. */
import { join } from "node:path";
import { Outbox } from "../../agent/outbox.js";
import { recordMaker } from "./records-fixture.js";

const dir = process.argv[2]!;
const outbox = await Outbox.open(join(dir, "outbox"), { syncIntervalMs: 10 });
await Promise.all(recordMaker(dir)(100).map((r) => outbox.accept(r)));

process.on("SIGTERM", () => {
  setTimeout(() => {
    void outbox.close().then(() => process.exit(0));
  }, 2000);
});
process.stdout.write("ready\n");
setInterval(() => undefined, 1000);
