/**
 * The identity's files: `identity.key` (the Ed25519 private key, PKCS#8 PEM, mode 0600) and
 * `identity.pub` (the public key, SPKI PEM) in one folder. Written like the sequence file: a
 * temporary file, fsync, rename, fsync of the folder — a power cut leaves the old pair or the
 * new one, never half a key.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
  writeDurably(privateKeyFile, privateKey.export({ type: "pkcs8", format: "pem" }) as string, 0o600);
  writeDurably(publicKeyFile, publicKey.export({ type: "spki", format: "pem" }) as string, 0o644);
  return { privateKeyFile, publicKeyFile, publicKey, replaced };
}

function previousPublicKey(file: string): KeyObject | null {
  try {
    return createPublicKey(loadPrivateKey(file));
  } catch {
    return null; // unreadable or unsafe: it is being replaced anyway
  }
}

function writeDurably(file: string, text: string, mode: number): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode); // the umask may have narrowed it; never widened
  syncPath(temp);
  renameSync(temp, file);
  syncPath(join(file, ".."));
}

function syncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
