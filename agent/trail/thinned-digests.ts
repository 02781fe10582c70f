/**
 * What a `thinned` event commits to: the sequence number and chain digest of every record it
 * removed (agent/trail/chain.ts), so a verifier can recompute the chain across the hole and tell
 * an accounted thinning from a deleted record. Packed as one base64 string: per record, the
 * sequence as a varint delta from the one before, then its 16-byte digest.
 *
 * A pass removes up to thousands of records; one event carries at most DIGESTS_PER_EVENT of
 * them, so each event stays a few kilobytes (a pass becomes several `thinned` events).
 */
import { ByteReader, ByteWriter } from "../bytes.js";
import type { AgentEvent } from "../contracts.js";
import type { ThinPass } from "../outbox.js";
import { DIGEST_BYTES } from "./chain.js";

export const DIGESTS_PER_EVENT = 150;

export interface RemovedDigest {
  seq: number;
  digest: Buffer;
}

export function encodeRemoved(removed: readonly RemovedDigest[]): string {
  const out = new ByteWriter();
  let last = 0;
  for (const { seq, digest } of removed) {
    out.uint(seq - last).bytes(digest);
    last = seq;
  }
  return out.toBuffer().toString("base64");
}

export function decodeRemoved(text: string): RemovedDigest[] {
  const input = new ByteReader(Buffer.from(text, "base64"));
  const out: RemovedDigest[] = [];
  let seq = 0;
  while (!input.done) {
    seq += input.uint();
    out.push({ seq, digest: Buffer.from(input.bytes(DIGEST_BYTES)) });
  }
  return out;
}

/** Splits a pass's removed records into event-sized parts, in sequence order. */
export function chunkRemoved(removed: readonly RemovedDigest[]): RemovedDigest[][] {
  const sorted = [...removed].sort((a, b) => a.seq - b.seq);
  const parts: RemovedDigest[][] = [];
  for (let i = 0; i < sorted.length; i += DIGESTS_PER_EVENT) parts.push(sorted.slice(i, i + DIGESTS_PER_EVENT));
  return parts;
}

/** The `thinned` events that announce one pass: range, count and digests, a part per event. */
export function thinnedEvents(pass: ThinPass, startedAt: string): AgentEvent[] {
  return chunkRemoved(pass.removedDigests).map((part) => ({
    type: "thinned",
    severity: "warning",
    startedAt,
    details: {
      kind: pass.kind,
      seqRanges: [[part[0]!.seq, part.at(-1)!.seq]],
      removed: part.length,
      keptEvery: pass.keptEvery,
      removedDigests: encodeRemoved(part),
    },
  }));
}
