/**
 * An honest truck's stream for the verifier's tests, made with the agent's own parts: records
 * from the record factory, linked by the outbox's ChainLinker, published as the drain publishes
 * them — events and weights alone with their signature, positions in compact batches signed once —
 * and unpacked by the consumer's unpackMessage, in arrival order.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import type { AgentRecord } from "../../agent/contracts.js";
import { encodeBatch } from "../../agent/batch.js";
import { unpackMessage, type ReceivedMessage } from "../../agent/consumer.js";
import { ChainLinker, recordHash } from "../../agent/trail/chain.js";
import { trailSigner, type Signer } from "../../agent/trail/identity.js";
import { hourOfRecords } from "./hour-of-positions.js";

export const TRUCK = "TRK-0001";

export interface Identity {
  signer: Signer;
  publicKey: KeyObject;
}

export function newIdentity(): Identity {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { signer: trailSigner(privateKey), publicKey };
}

/** Records of `seconds` of driving; the numbers jump from 200 to 1001 (a crash skipped a block). */
export function honestRecords(seconds = 600): AgentRecord[] {
  let seq = 0;
  return hourOfRecords({ seconds, truckId: TRUCK, take: () => (seq === 200 ? (seq = 1001) : ++seq) });
}

/** The messages the drain would send for these records: positions in batches of `batchSize`. */
export function publish(records: readonly AgentRecord[], signer: Signer, batchSize = 50): ReceivedMessage[] {
  const messages: ReceivedMessage[] = [];
  let positions: AgentRecord[] = [];
  const flush = () => {
    if (positions.length > 0) messages.push({ topic: `muck/${TRUCK}/batch`, payload: encodeBatch(positions, signer) });
    positions = [];
  };
  for (const record of records) {
    if (record.kind === "position") {
      positions.push(record);
      if (positions.length === batchSize) flush();
      continue;
    }
    const sig = signer.sign(recordHash(record));
    messages.push({ topic: `muck/${TRUCK}/${record.kind}`, payload: Buffer.from(JSON.stringify({ ...record, sig })) });
  }
  flush();
  return messages;
}

export function arrivals(messages: readonly ReceivedMessage[]): AgentRecord[] {
  return messages.flatMap((m) => unpackMessage(m) ?? []);
}

/** Re-links records after the test changed the list (as the outbox would have linked them). */
export function relink(records: AgentRecord[], from: ChainLinker = new ChainLinker(null)): AgentRecord[] {
  for (const record of records) from.adopt(from.link(record));
  return records;
}
