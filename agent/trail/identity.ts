/**
 * The gateway's identity: one Ed25519 key pair per truck, made by `muck-agent identity init`.
 * The private key never leaves the gateway; the operator registers the public key with the
 * truck id and plate, and a platform verifies the trail with it (`muck-agent verify`).
 *
 * What is signed: `DOMAIN ‖ hash` for one record's chain hash (agent/trail/chain.ts), which covers
 * that record and, through its links, every record before it. The domain prefix keeps a trail
 * signature from ever being valid for anything else signed with the same key.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { MuckError } from "../errors.js";

const DOMAIN = Buffer.from("muck-agent trail v1\n");

export interface Signer {
  sign(hash: Buffer): string;
}

export function trailSigner(privateKey: KeyObject): Signer {
  return { sign: (hash) => sign(null, Buffer.concat([DOMAIN, hash]), privateKey).toString("base64url") };
}

export function verifyTrailSignature(publicKey: KeyObject, hash: Buffer, signature: string): boolean {
  try {
    return verify(null, Buffer.concat([DOMAIN, hash]), publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/** A short, stable name for a public key: SHA-256 of its DER form, first 8 bytes in hex pairs. */
export function fingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  const hex = createHash("sha256").update(der).digest("hex").slice(0, 16);
  return `SHA256:${hex.match(/../g)!.join(":")}`;
}

/**
 * Loads the private key the config names. A key others can read is no identity: the agent
 * refuses it (IDENTITY_KEY_UNSAFE) rather than sign with a key that may have been copied.
 */
export function loadPrivateKey(file: string): KeyObject {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new MuckError("IDENTITY_NOT_FOUND", `identity key not found: ${file} (create it with: muck-agent identity init)`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    throw new MuckError("IDENTITY_KEY_UNSAFE", `identity key ${file} is readable by others (mode ${mode}); run: chmod 600 ${file}`);
  }

  try {
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== "ed25519") throw new Error(`a ${key.asymmetricKeyType} key, not ed25519`);
    return key;
  } catch (error) {
    throw new MuckError("IDENTITY_KEY_INVALID", `identity key ${file} is not an Ed25519 private key (PEM): ${(error as Error).message}`);
  }
}

/** A public key from PEM text; null when it is not an Ed25519 public key. */
export function parsePublicKey(pem: string): KeyObject | null {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}
