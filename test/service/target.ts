/**
 * Runs a command as if on the gateway a root folder was installed into, without systemd: in a
 * private mount namespace (`unshare -m`) the root folder's /etc, /opt and /var/lib are laid over
 * the host's (read-only overlays, so /etc/passwd names the service user the installer wrote), the
 * state folder is bound writable, and `setpriv` drops to the service user with no capabilities,
 * no new privileges and the serial group — what the unit's User=, SupplementaryGroups=,
 * NoNewPrivileges= and CapabilityBoundingSet= do. Needs root and mount namespaces.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

export interface TargetUser {
  uid: number;
  gid: number;
  groups: number[];
}

export const namespacesUsable =
  process.getuid?.() === 0 && spawnSync("unshare", ["-m", "true"]).status === 0 && spawnSync("setpriv", ["--version"]).status === 0;

const SETUP = `set -e
mount --make-rprivate /
for dir in /etc /opt /var/lib; do
  mount -t overlay overlay -o "lowerdir=$ROOT$dir:$dir" "$dir"
done
mount --bind "$ROOT/var/lib/muck-agent" /var/lib/muck-agent
cd /var/lib/muck-agent
umask 027
`;

export function spawnInTarget(root: string, argv: string[], user: TargetUser | null): ChildProcess {
  const drop = user === null
    ? ""
    : `exec setpriv --reuid=${user.uid} --regid=${user.gid} --groups=${user.groups.join(",")} --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"`;
  const script = `${SETUP}${user === null ? 'exec "$@"' : drop}\n`;
  return spawn("unshare", ["-m", "--", "sh", "-c", script, "sh", ...argv], {
    env: { ...process.env, ROOT: root },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export async function runInTarget(root: string, argv: string[], user: TargetUser | null): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnInTarget(root, argv, user);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, stdout, stderr };
}
