/**
 * The keys file `muck-agent verify` reads: the platform's registry of trucks' public keys, JSON,
 * one entry per truck id, as `muck-agent identity init` prints it:
 *
 *   { "TRK-0001": { "plate": "沪A·12345", "publicKeys": ["-----BEGIN PUBLIC KEY-----\n…"] } }
 *
 * A truck may have several keys (rotation: the new key is added, the old one stays for the
 * records it signed); a bare PEM string stands for one key.
 */
import type { KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { MuckError } from "../errors.js";
import { parsePublicKey } from "./identity.js";

export function readKeysFile(file: string): Map<string, KeyObject[]> {
  if (!existsSync(file)) throw new MuckError("KEYS_INVALID", `keys file not found: ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new MuckError("KEYS_INVALID", `${file}: not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new MuckError("KEYS_INVALID", `${file}: expected an object of truck id → keys`);
  }

  const keys = new Map<string, KeyObject[]>();
  for (const [truckId, entry] of Object.entries(parsed)) {
    const pems = typeof entry === "string" ? [entry] : pemsOf(entry as Record<string, unknown>);
    const parsedKeys = pems.map((pem, i) => {
      const key = typeof pem === "string" ? parsePublicKey(pem) : null;
      if (key === null) throw new MuckError("KEYS_INVALID", `${file}: ${truckId}.publicKeys[${i}]: not an Ed25519 public key (PEM)`);
      return key;
    });
    if (parsedKeys.length === 0) throw new MuckError("KEYS_INVALID", `${file}: ${truckId}: no publicKeys`);
    keys.set(truckId, parsedKeys);
  }
  return keys;
}

function pemsOf(entry: Record<string, unknown>): unknown[] {
  if (Array.isArray(entry.publicKeys)) return entry.publicKeys;
  return entry.publicKey === undefined ? [] : [entry.publicKey];
}
