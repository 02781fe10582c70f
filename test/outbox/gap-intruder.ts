/**
 * Child of store-faults.test.ts: from the moment it prints "ready", tries to open the store
 * <folder> over and over, as a second agent pointed at the same folder would. Until it has once
 * found the store locked it lets go at once; the first time it gets in after that — when the
 * outbox let go of it between its two opens, or at its end — it stores one event record with
 * sequence <seq>, holds the store `holdMs`, closes it and prints "wrote".
 */
import { ClassicLevel } from "classic-level";
import { recordKey } from "../../agent/outbox.js";
import { recordMaker } from "./records-fixture.js";

const [folder, seqArg, holdArg] = process.argv.slice(2) as [string, string, string];
const seq = Number(seqArg);
const [template] = recordMaker(`${folder}-intruder-seq`)(1);
const record = { ...template!, kind: "event", seq, id: `${template!.truckId}:${seq}` };

process.stdout.write("ready\n");
let sawLocked = false;
for (;;) {
  const db = new ClassicLevel<string, string>(folder, { valueEncoding: "utf8" });
  try {
    await db.open();
  } catch {
    sawLocked = true;
    continue;
  }
  if (!sawLocked) {
    await db.close();
    continue;
  }
  await db.put(recordKey(0, seq), JSON.stringify(record), { sync: true });
  await new Promise((resolve) => setTimeout(resolve, Number(holdArg)));
  await db.close();
  process.stdout.write("wrote\n");
  process.exit(0);
}
