/**
 * Where the installed agent lives on a gateway. One place, so the installer, the unit, the
 * README and the tests agree. Paths are absolute on the target system; `inRoot` maps them into a
 * root folder (an image being built, or a test) without changing what the unit says.
 */
import { join } from "node:path";

export const SERVICE_NAME = "muck-agent";
export const UNIT_FILE = `/etc/systemd/system/${SERVICE_NAME}.service`;
export const WANTS_LINK = `/etc/systemd/system/multi-user.target.wants/${SERVICE_NAME}.service`;
export const CONFIG_DIR = "/etc/muck-agent";
export const CONFIG_FILE = `${CONFIG_DIR}/config.json`;
/** Certificates and keys; the key file is the agent user's own, mode 600. */
export const TLS_DIR = `${CONFIG_DIR}/tls`;
/** systemd's StateDirectory=muck-agent: the outbox, sequence file and status file. */
export const STATE_DIR = "/var/lib/muck-agent";
export const DEFAULT_APP_DIR = "/opt/muck-agent";
export const DEFAULT_USER = "muck";
export const DEFAULT_NODE = "/usr/bin/node";
/** The group that owns serial devices on Debian (gid 20 there). */
export const SERIAL_GROUP = "dialout";

export function inRoot(root: string, path: string): string {
  return root === "/" ? path : join(root, path);
}
