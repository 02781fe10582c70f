/**
 * The identity's files: `identity.key` (the Ed25519 private key, PKCS#8 PEM, mode 0600) and
 * `identity.pub` (the public key, SPKI PEM) in one folder. Written like the sequence file: a
 * temporary file, fsync, rename, fsync of the folder — a power cut leaves the old pair or the
 * new one, never half a key.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileDurably } from "../durable-file.js";
import { MuckError } from "../errors.js";
import { loadPrivateKey } from "./identity.js";

export const PRIVATE_KEY_FILE = "identity.key";
export const PUBLIC_KEY_FILE = "identity.pub";

export interface KeyPairFiles {
  privateKeyFile: string;
  publicKeyFile: string;
  publicKey: KeyObject;
  /** The key this one replaced (--force), for the operator to retire in the registry. */
  replaced: KeyObject | null;
}

export function createKeyPair(dir: string, force: boolean): KeyPairFiles {
  const privateKeyFile = join(dir, PRIVATE_KEY_FILE);
  const publicKeyFile = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKeyFile) && !force) {
    throw new MuckError("IDENTITY_EXISTS", `an identity key already exists: ${privateKeyFile} (--force replaces it; register the new public key first)`);
  }
  const replaced = existsSync(privateKeyFile) ? previousPublicKey(privateKeyFile) : null;

  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeFileDurably(privateKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }) as string, 0o600);
  writeFileDurably(publicKeyFile, publicKey.export({ type: "spki", format: "pem" }) as string, 0o644);
  return { privateKeyFile, publicKeyFile, publicKey, replaced };
}

function previousPublicKey(file: string): KeyObject | null {
  try {
    return createPublicKey(loadPrivateKey(file));
  } catch {
    return null; // unreadable or unsafe: it is being replaced anyway
  }
}
