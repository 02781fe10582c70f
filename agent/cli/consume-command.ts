/**
 * `muck-agent consume`: the reference consumer, the documented way a platform reads what the
 * agent sends. Subscribes to a broker (or reads a file of received messages), then prints every
 * record once, per truck in sequence order, as NDJSON, and a last line with the summary: counts,
 * duplicates dropped, gaps, and gaps accounted for by `thinned` / `outbox_lost` events.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { ReferenceConsumer, type ReceivedMessage } from "../consumer.js";
import { MuckError } from "../errors.js";
import { subscribeUntilDone, type SubscriptionOptions } from "./subscription.js";

interface ConsumeOptions extends SubscriptionOptions {
  file?: string;
  save?: string;
  follow: boolean;
}

export function consumeCommand(): Command {
  return new Command("consume")
    .description("read what trucks sent (from a broker or a file): unpack batches, drop duplicates, order by sequence, report gaps")
    .option("--url <url>", "broker to subscribe to, e.g. mqtt://127.0.0.1:1883")
    .option("--file <file>", "read received messages from a file instead: NDJSON {topic, payload (base64)}, as --save writes")
    .option("--prefix <prefix>", "topic prefix the trucks publish under", "muck")
    .addOption(new Option("--protocol <version>", "MQTT protocol level").choices(["4", "5"]).default("4"))
    .option("--client-id <id>", "client id of the consumer's persistent session: what queued for it while it was away arrives when it returns; two consumers need two ids", "muck-consumer")
    .option("--duration <s>", "stop subscribing after this many seconds")
    .option("--idle-exit <s>", "stop this many seconds after the last message (counted from the first)")
    .option("--save <file>", "also append every received message to this file (NDJSON, replayable with --file)")
    .option("--follow", "print each new record as it arrives (deduplicated, in arrival order) instead of sorted at the end", false)
    .action(async (opts: ConsumeOptions) => {
      const consumer = new ReferenceConsumer();
      if (opts.file !== undefined) readMessages(opts.file).forEach((m) => consumer.receive(m));
      else if (opts.url !== undefined) await subscribe(opts, consumer);
      else throw new MuckError("USAGE", "consume needs --url (a broker) or --file (received messages)");

      if (!opts.follow) for (const record of consumer.ordered()) process.stdout.write(`${JSON.stringify(record)}\n`);
      process.stdout.write(`${JSON.stringify({ summary: consumer.summary(), skippedMessages: consumer.skipped })}\n`);
    });
}

export function readMessages(file: string): ReceivedMessage[] {
  if (!existsSync(file)) throw new MuckError("CAPTURE_NOT_FOUND", `messages file not found: ${file}`);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        const { topic, payload } = JSON.parse(line) as { topic: string; payload: string };
        return { topic, payload: Buffer.from(payload, "base64") };
      } catch {
        throw new MuckError("USAGE", `${file}:${i + 1}: not a {"topic","payload"} line`);
      }
    });
}

/** Subscribes (agent/cli/subscription.ts) and hands every message to the consumer. */
function subscribe(opts: ConsumeOptions, consumer: ReferenceConsumer): Promise<void> {
  return subscribeUntilDone(opts, (topic, payload) => {
    if (opts.save !== undefined) appendFileSync(opts.save, `${JSON.stringify({ topic, payload: payload.toString("base64") })}\n`);
    for (const record of consumer.receive({ topic, payload })) {
      if (opts.follow) process.stdout.write(`${JSON.stringify(record)}\n`);
    }
  });
}
