/**
 * `muck-agent verify`: checks the trail of what trucks sent — from a file (the records `consume`
 * prints, or the messages `consume --save` keeps, which still hold every duplicate in arrival
 * order) or by subscribing to a broker — against the registered public keys. Prints one JSON
 * line per truck and a last line with the overall result; exit 1 when tampering is found.
 */
import { existsSync, readFileSync } from "node:fs";
import { Command, Option } from "commander";
import type { AgentRecord } from "../contracts.js";
import { isRecord, unpackMessage } from "../consumer.js";
import { MuckError } from "../errors.js";
import { readKeysFile } from "../trail/keys-file.js";
import { verifyTruck, type TruckVerdict } from "../trail/verifier.js";
import { subscribeUntilDone, type SubscriptionOptions } from "./subscription.js";

interface VerifyCommandOptions extends SubscriptionOptions {
  keys: string;
  file?: string;
  replayWindow: string;
}

export function verifyCommand(): Command {
  return new Command("verify")
    .description("verify trucks' records by sequence, hash chain and signature; exit 1 when any was tampered with")
    .requiredOption("--keys <file>", "the registered public keys: JSON {truckId: {publicKeys: [PEM, …]}}")
    .option("--file <file>", "received records (NDJSON as consume prints them) or messages (as consume --save writes them)")
    .option("--url <url>", "subscribe to this broker instead, e.g. mqtt://127.0.0.1:1883")
    .option("--prefix <prefix>", "topic prefix the trucks publish under", "muck")
    .addOption(new Option("--protocol <version>", "MQTT protocol level").choices(["4", "5"]).default("4"))
    .option("--client-id <id>", "client id of the verifier's persistent session", "muck-verifier")
    .option("--duration <s>", "stop subscribing after this many seconds")
    .option("--idle-exit <s>", "stop this many seconds after the last message")
    .option("--replay-window <records>", "a copy arriving after more newer records of its class than this is a replay (maxInFlight × backfill.maxRecords)", "6400")
    .action(async (opts: VerifyCommandOptions) => {
      const keys = readKeysFile(opts.keys);
      const records = opts.file !== undefined ? readRecords(opts.file) : opts.url !== undefined ? await subscribe(opts) : null;
      if (records === null) throw new MuckError("USAGE", "verify needs --file (received records) or --url (a broker)");

      const verdicts = verifyAll(records, keys, { replayWindow: Number(opts.replayWindow) });
      for (const [truckId, verdict] of verdicts) process.stdout.write(`${JSON.stringify({ truckId, ...verdict })}\n`);
      const tampered = [...verdicts].filter(([, v]) => v.tampered).map(([truckId]) => truckId);
      process.stdout.write(`${JSON.stringify({ trucks: verdicts.size, tampered })}\n`);
      if (tampered.length > 0) process.exitCode = 1;
    });
}

export function verifyAll(
  records: readonly AgentRecord[],
  keys: ReadonlyMap<string, import("node:crypto").KeyObject[]>,
  options: { replayWindow: number },
): Map<string, TruckVerdict> {
  const byTruck = new Map<string, AgentRecord[]>();
  for (const record of records) {
    const list = byTruck.get(record.truckId) ?? [];
    list.push(record);
    byTruck.set(record.truckId, list);
  }
  const out = new Map<string, TruckVerdict>();
  for (const truckId of [...byTruck.keys()].sort()) out.set(truckId, verifyTruck(byTruck.get(truckId)!, keys.get(truckId) ?? [], options));
  return out;
}

/** Records in file order: a line is a record, a saved message (unpacked), or consume's summary (skipped). */
export function readRecords(file: string): AgentRecord[] {
  if (!existsSync(file)) throw new MuckError("CAPTURE_NOT_FOUND", `records file not found: ${file}`);
  const out: AgentRecord[] = [];
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new MuckError("RECORDS_INVALID", `${file}:${i + 1}: not JSON`);
    }
    if (typeof value.topic === "string" && typeof value.payload === "string") {
      out.push(...(unpackMessage({ topic: value.topic, payload: Buffer.from(value.payload, "base64") }) ?? []));
    } else if (isRecord(value)) out.push(value);
    else if (!("summary" in value)) throw new MuckError("RECORDS_INVALID", `${file}:${i + 1}: neither a record nor a saved message`);
  });
  return out;
}

async function subscribe(opts: VerifyCommandOptions): Promise<AgentRecord[]> {
  const records: AgentRecord[] = [];
  await subscribeUntilDone(opts, (topic, payload) => records.push(...(unpackMessage({ topic, payload }) ?? [])));
  return records;
}
