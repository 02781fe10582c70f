/**
 * A throwaway PKI made with openssl for the TLS tests: a fleet CA, broker certificates (one for
 * 127.0.0.1, one for another name), client certificates whose CN is the truck id, and a rogue CA
 * with a client certificate of its own. Keys are written mode 600, as the agent demands.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface KeyPair {
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  caFile: string;
  /** Broker certificate valid for IP 127.0.0.1. */
  broker: KeyPair;
  /** Broker certificate valid only for broker.other.example: a name mismatch on 127.0.0.1. */
  misnamedBroker: KeyPair;
  client(cn: string): KeyPair;
  /** A client certificate signed by a CA the broker does not trust. */
  rogueClient: KeyPair;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string): KeyPair {
  const pair = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", `/CN=${name}`, "-keyout", pair.keyFile, "-out", pair.certFile], dir);
  return pair;
}

function makeLeaf(dir: string, ca: KeyPair, name: string, cn: string, extensions: string): KeyPair {
  const pair = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `${extensions}\n`);
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${cn}`,
    "-keyout", pair.keyFile, "-out", csr], dir);
  openssl(["x509", "-req", "-in", csr, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial", "-days", "2",
    "-extfile", ext, "-out", pair.certFile], dir);
  chmodSync(pair.keyFile, 0o600);
  return pair;
}

export function makeTestPki(dir: string): TestPki {
  const ca = makeCa(dir, "fleet-ca");
  const rogueCa = makeCa(dir, "rogue-ca");
  const server = "extendedKeyUsage=serverAuth";
  const client = "extendedKeyUsage=clientAuth";

  const clients = new Map<string, KeyPair>();

  return {
    caFile: ca.certFile,
    broker: makeLeaf(dir, ca, "broker", "broker", `subjectAltName=IP:127.0.0.1\n${server}`),
    misnamedBroker: makeLeaf(dir, ca, "misnamed", "broker.other.example", `subjectAltName=DNS:broker.other.example\n${server}`),
    client: (cn) => {
      if (!clients.has(cn)) clients.set(cn, makeLeaf(dir, ca, `client-${cn}`, cn, client));
      return clients.get(cn)!;
    },
    rogueClient: makeLeaf(dir, rogueCa, "rogue-client", "TRK-ROGUE", client),
  };
}
