/**
 * Ed25519 over a bundle's canonical bytes (node:crypto). The fleet keeps the private key; each
 * truck holds the public key (`ota.publicKeyFile`) and takes only bundles it verifies.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { unsigned, type Bundle, type BundleSignature } from "./bundle.js";
import { canonicalBytes } from "./canonical.js";

export interface FleetKeyPair {
  /** PKCS#8 PEM: stays with the operator. */
  privateKeyPem: string;
  /** SPKI PEM: goes on every truck. */
  publicKeyPem: string;
}

export function generateFleetKeys(): FleetKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/** The bundle with a signature by `privateKeyPem` (any earlier signature is replaced). */
export function signBundle(bundle: Bundle, privateKeyPem: string | Buffer): Bundle {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== "ed25519")
    throw new TypeError("the fleet key must be an Ed25519 private key");

  const body = unsigned(bundle);
  const value = sign(null, canonicalBytes(body), privateKey).toString("base64");
  const signature: BundleSignature = {
    alg: "Ed25519",
    keyId: keyId(createPublicKey(privateKey)),
    value,
  };
  return { ...body, signature };
}

/** Why a bundle's signature does not hold, or null when it does. */
export function signatureProblem(bundle: Bundle, publicKey: KeyObject): string | null {
  const signature = bundle.signature;
  if (signature === undefined)
    return "unsigned, and this truck requires a signature (ota.publicKeyFile)";

  const expectedId = keyId(publicKey);
  if (signature.keyId !== expectedId)
    return `signed by key ${signature.keyId}, but this truck trusts key ${expectedId}`;

  const valid = verify(
    null,
    canonicalBytes(unsigned(bundle)),
    publicKey,
    Buffer.from(signature.value, "base64"),
  );
  return valid
    ? null
    : "the signature does not match the bundle's content (altered after signing, or another key)";
}
