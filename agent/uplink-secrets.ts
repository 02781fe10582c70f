/**
 * What the uplink needs to prove who it is and whom it talks to: the broker's CA, the truck's
 * client certificate and key (mutual TLS), and the broker password.
 *
 * - A private key or password file that group or others may read is refused, with its path in
 *   the error: on a gateway shared with a modem manager, a web UI or a vendor's tools, a key any
 *   process can read is a key anyone can copy to impersonate the truck.
 * - The password comes from a file or an environment variable, never from the command line
 *   (`ps` shows every process's arguments to every user) and never into a log line.
 * - Files are read again at every connection, so a rotated certificate, key or password is used
 *   from the next reconnect on, with no restart.
 */
import { readFileSync, statSync } from "node:fs";
import { MuckError } from "./errors.js";

export interface SecretSources {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Inline password from the config file (kept for existing configs; prefer a file). */
  password?: string | undefined;
  passwordFile?: string | undefined;
  /** Name of the environment variable holding the password. */
  passwordEnv?: string | undefined;
}

export interface UplinkSecrets {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  password?: string;
}

/** Reads every secret the options name; throws MuckError with the path or variable at fault. */
export function loadUplinkSecrets(sources: SecretSources, env: NodeJS.ProcessEnv = process.env): UplinkSecrets {
  const secrets: UplinkSecrets = {};
  if (sources.caFile !== undefined) secrets.ca = readFile(sources.caFile, "CA certificate");
  if (sources.certFile !== undefined) secrets.cert = readFile(sources.certFile, "client certificate");
  if (sources.keyFile !== undefined) secrets.key = readPrivateFile(sources.keyFile, "client key");

  const password = readPassword(sources, env);
  if (password !== undefined) secrets.password = password;
  return secrets;
}

/** The mode bits that give group or others any access (ssh refuses the same for its keys). */
export function exposedMode(path: string): number | null {
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) === 0 ? null : mode;
}

function readPassword(sources: SecretSources, env: NodeJS.ProcessEnv): string | undefined {
  if (sources.passwordFile !== undefined) {
    // One line: editors and `echo` add a newline that is not part of the password.
    return readPrivateFile(sources.passwordFile, "password file").toString("utf8").replace(/\r?\n$/, "");
  }
  if (sources.passwordEnv !== undefined) {
    const value = env[sources.passwordEnv];
    if (value === undefined || value === "") {
      throw new MuckError("SECRET_UNREADABLE", `environment variable ${sources.passwordEnv} (mqtt.passwordEnv) is not set`);
    }
    return value;
  }
  return sources.password;
}

function readPrivateFile(path: string, what: string): Buffer {
  let mode: number | null;
  try {
    mode = exposedMode(path);
  } catch (error) {
    throw unreadable(path, what, error);
  }
  if (mode !== null) {
    const octal = mode.toString(8).padStart(4, "0");
    throw new MuckError(
      "SECRET_EXPOSED",
      `${path}: the ${what} is readable by group or others (mode ${octal}); chmod 600 it, owned by the agent's user`,
    );
  }
  return readFile(path, what);
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw unreadable(path, what, error);
  }
}

function unreadable(path: string, what: string, error: unknown): MuckError {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  return new MuckError("SECRET_UNREADABLE", `${path}: cannot read the ${what} (${code})`, { cause: error });
}

/** A broker URL for a log line: `user:password@` never leaves the process. */
export function urlForLog(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === "" && parsed.username === "") return url;
  parsed.password = parsed.password === "" ? "" : "hidden";
  return parsed.toString();
}
