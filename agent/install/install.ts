/**
 * `muck-agent install` and `uninstall`: put the unpacked bundle in service on a Debian-style
 * gateway, or into a root folder (an image being built). Every step is idempotent: installing
 * again (an upgrade) rewrites the unit and keeps the config and the outbox.
 *
 * The installer does not start the agent: the config it leaves is the example, which names no
 * real truck, devices or broker. It enables the unit, so the edited config runs from next boot.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MuckError } from "../errors.js";
import { CONFIG_DIR, CONFIG_FILE, inRoot, STATE_DIR, TLS_DIR, UNIT_FILE, WANTS_LINK } from "./paths.js";
import { ensureUserInRoot, ensureUserOnSystem, type SystemUser } from "./system-user.js";
import { serviceUnit } from "./unit.js";

export interface InstallOptions {
  /** "/" for the live system, or a root folder. */
  root: string;
  user: string;
  serialGroup: string;
  /** The node binary, as a path on the target. */
  node: string;
  /** The unpacked bundle, as a path on the target; default: where this installer runs from. */
  appDir?: string | undefined;
}

export interface InstallReport {
  user: SystemUser;
  unitFile: string;
  configFile: string;
  stateDir: string;
  /** What was done, one line each, for the installer's screen. */
  actions: string[];
}

export function install(o: InstallOptions): InstallReport {
  const actions: string[] = [];
  const appDir = targetAppDir(o);
  const live = o.root === "/";

  const user = live ? ensureUserOnSystem(o.user, o.serialGroup) : ensureUserInRoot(o.root, o.user, o.serialGroup);
  actions.push(`${user.created ? "created" : "kept"} user ${user.name} (uid ${user.uid}, gid ${user.gid}) in group ${o.serialGroup}`);

  makeDir(inRoot(o.root, CONFIG_DIR), 0o755, 0, 0, actions);
  // The agent's group may enter (its key file there is its own, mode 600); others may not.
  makeDir(inRoot(o.root, TLS_DIR), 0o750, 0, user.gid, actions);
  makeDir(inRoot(o.root, STATE_DIR), 0o750, user.uid, user.gid, actions);
  placeConfig(o.root, appDir, user, actions);

  const unitFile = inRoot(o.root, UNIT_FILE);
  const unit = serviceUnit({ user: o.user, node: o.node, appDir, configFile: CONFIG_FILE, serialGroup: o.serialGroup });
  const before = existsSync(unitFile) ? readFileSync(unitFile, "utf8") : null;
  mkdirSync(dirname(unitFile), { recursive: true });
  writeFileSync(unitFile, unit, { mode: 0o644 });
  actions.push(`${before === null ? "wrote" : before === unit ? "kept" : "updated"} ${UNIT_FILE}`);

  enable(o.root, actions);
  return { user, unitFile, configFile: inRoot(o.root, CONFIG_FILE), stateDir: inRoot(o.root, STATE_DIR), actions };
}

/** Removes the unit; keeps the config, the state folder with its outbox, and the user. */
export function uninstall(root: string): string[] {
  const actions: string[] = [];
  if (root === "/" && systemdRunning()) {
    systemctl(["disable", "--now", "muck-agent.service"]);
    actions.push("stopped and disabled muck-agent.service");
  }
  for (const path of [WANTS_LINK, UNIT_FILE]) {
    const file = inRoot(root, path);
    if (!exists(file)) continue;
    rmSync(file);
    actions.push(`removed ${path}`);
  }
  if (root === "/" && systemdRunning()) systemctl(["daemon-reload"]);
  actions.push(`kept ${CONFIG_DIR} and ${STATE_DIR} (the outbox: records not yet delivered)`);
  return actions;
}

/** The folder holding package.json and build/, as the target will see it. */
function targetAppDir(o: InstallOptions): string {
  if (o.appDir !== undefined) {
    if (!isAbsolute(o.appDir)) throw new MuckError("INSTALL_FAILED", `--app-dir must be absolute (found ${o.appDir})`);
    requireBuild(inRoot(o.root, o.appDir));
    return o.appDir;
  }
  const here = packageRoot();
  requireBuild(here);
  if (o.root === "/") return here;

  const inside = relative(resolve(o.root), here);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    const where = join(o.root, "opt/muck-agent");
    throw new MuckError(
      "INSTALL_FAILED",
      `the agent runs from ${here}, outside the root folder ${o.root}: unpack the bundle into ${where} and run the installer from there, or give --app-dir`,
    );
  }
  return `/${inside}`;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new MuckError("INSTALL_FAILED", "cannot find the agent's package.json above the installer");
    dir = parent;
  }
  return dir;
}

function requireBuild(appDir: string): void {
  const main = join(appDir, "build/agent/cli/main.js");
  if (existsSync(main)) return;
  throw new MuckError("INSTALL_FAILED", `${main} not found: install from the bundle (npm run bundle), or run npm run build first`);
}

/** The example config, only when there is none: an installed truck's settings are never overwritten. */
function placeConfig(root: string, appDir: string, user: SystemUser, actions: string[]): void {
  const target = inRoot(root, CONFIG_FILE);
  if (existsSync(target)) {
    actions.push(`kept ${CONFIG_FILE}`);
    return;
  }
  copyFileSync(join(inRoot(root, appDir), "config/example.json"), target);
  chmodSync(target, 0o640);
  own(target, 0, user.gid, actions);
  actions.push(`wrote ${CONFIG_FILE} from the example: edit truckId, devices and broker before starting`);
}

function makeDir(path: string, mode: number, uid: number, gid: number, actions: string[]): void {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  own(path, uid, gid, actions);
}

function own(path: string, uid: number, gid: number, actions: string[]): void {
  if (process.getuid?.() === 0) chownSync(path, uid, gid);
  else actions.push(`not root: ${path} keeps its owner (wanted ${uid}:${gid})`);
}

/** What `systemctl enable` does: the wants link. On the live system, systemctl itself. */
function enable(root: string, actions: string[]): void {
  if (root === "/" && systemdRunning()) {
    systemctl(["daemon-reload"]);
    systemctl(["enable", "muck-agent.service"]);
    actions.push("enabled muck-agent.service (starts at boot; start it now with systemctl start muck-agent)");
    return;
  }
  const link = inRoot(root, WANTS_LINK);
  mkdirSync(dirname(link), { recursive: true });
  if (!exists(link)) symlinkSync(UNIT_FILE, link);
  actions.push(`enabled: ${WANTS_LINK} -> ${UNIT_FILE}${root === "/" ? " (systemd is not running here)" : ""}`);
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function systemdRunning(): boolean {
  return existsSync("/run/systemd/system");
}

function systemctl(args: string[]): void {
  execFileSync("systemctl", args, { stdio: ["ignore", "ignore", "inherit"] });
}
