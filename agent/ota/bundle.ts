/**
 * A configuration bundle: what a fleet operator pushes over the air. One JSON document:
 *
 *   format     "muck-agent-config/1" (this file's layout; a later layout gets a new name)
 *   version    a positive integer that only grows per target; an older or equal one is ignored
 *   issuedAt   when it was made (ISO 8601), for people reading acks and logs
 *   target     "fleet" or "truck:<truckId>"; signed with the rest, so a bundle cannot be moved
 *              from one truck's topic (or the fleet's) to another's
 *   settings   optional: the part of the agent config that may change remotely (REMOTE_SECTIONS)
 *   zones      optional: a zone file (GeoJSON FeatureCollection), replacing the zones whole
 *   signature  optional unless the truck has a fleet key: Ed25519 over the canonical bytes
 *
 * Only the remote sections may change because nothing in them can cut the truck off: device
 * paths, the broker, credentials, the data folder, the truck id and the fleet key stay in the
 * local file, where a mistake is made by someone standing at the truck.
 */
import { z } from "zod";

export const BUNDLE_FORMAT = "muck-agent-config/1";

/** Config sections a bundle may set, and within `zones` only the time zone (the file is local). */
export const REMOTE_SECTIONS = ["cadence", "detect", "zones"] as const;
export const REMOTE_ZONES_KEYS = ["timeZone"] as const;

const TARGET = /^(fleet|truck:[A-Za-z0-9_-]{1,64})$/;

export const SignatureSchema = z
  .object({
    alg: z.literal("Ed25519"),
    /** First 16 hex digits of the SHA-256 of the public key (DER): names the key, proves nothing. */
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    /** Base64 of the 64-byte signature. */
    value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, "not a base64 Ed25519 signature"),
  })
  .strict();

export const BundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    issuedAt: z.iso.datetime({ offset: true }),
    target: z.string().regex(TARGET, 'not a target (expected "fleet" or "truck:<truckId>")'),
    settings: z.record(z.string(), z.unknown()).optional(),
    zones: z.record(z.string(), z.unknown()).optional(),
    signature: SignatureSchema.optional(),
  })
  .strict();

export type Bundle = z.output<typeof BundleSchema>;
export type BundleSignature = z.output<typeof SignatureSchema>;

/** Which of the agent's two subscriptions a bundle came from, and so which layer it replaces. */
export type Channel = "fleet" | "truck";

export function targetOf(channel: Channel, truckId: string): string {
  return channel === "fleet" ? "fleet" : `truck:${truckId}`;
}

/** The bundle without its signature: what is signed. */
export function unsigned(bundle: Bundle): Omit<Bundle, "signature"> {
  const { signature: _signature, ...rest } = bundle;
  return rest;
}
