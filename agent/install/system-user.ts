/**
 * The agent's own system user: no login, no home of its own beyond the state folder, a member of
 * the serial group so it can open /dev/ttyUSB* and nothing else that root owns.
 *
 * On the live system the distribution's tools do it (`useradd --system`, `usermod -aG`): they
 * pick a free system id, lock the password, update shadow files and any name-service cache.
 * Into a root folder (an image being built) the entries are written directly: `useradd --root`
 * chroots into the folder and needs a complete system there (its login.defs, PAM, libraries),
 * which a staged tree often is not. The id is the highest free one of the system range
 * (100–999), as `useradd --system` picks it.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MuckError } from "../errors.js";
import { inRoot, STATE_DIR } from "./paths.js";

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  /** Gid of the serial group (dialout). */
  serialGid: number;
  created: boolean;
}

const SYSTEM_ID_MIN = 100;
const SYSTEM_ID_MAX = 999;
const DEBIAN_DIALOUT_GID = 20;
const NOLOGIN = "/usr/sbin/nologin";

interface Entry {
  fields: string[];
}

function readEntries(file: string): Entry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => ({ fields: line.split(":") }));
}

function appendLine(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  appendFileSync(file, `${text === "" || text.endsWith("\n") ? "" : "\n"}${line}\n`);
}

/** Creates the user (or finds it) in the root folder's /etc/passwd, /etc/group and shadow files. */
export function ensureUserInRoot(root: string, name: string, serialGroup: string): SystemUser {
  const passwdFile = inRoot(root, "/etc/passwd");
  const groupFile = inRoot(root, "/etc/group");
  const serialGid = ensureGroupInRoot(root, serialGroup, DEBIAN_DIALOUT_GID);

  const existing = readEntries(passwdFile).find((e) => e.fields[0] === name);
  if (existing !== undefined) {
    addMemberInRoot(groupFile, serialGroup, name);
    return { name, uid: Number(existing.fields[2]), gid: Number(existing.fields[3]), serialGid, created: false };
  }

  const usedUids = new Set(readEntries(passwdFile).map((e) => Number(e.fields[2])));
  const usedGids = new Set(readEntries(groupFile).map((e) => Number(e.fields[2])));
  let id = SYSTEM_ID_MAX;
  while (id >= SYSTEM_ID_MIN && (usedUids.has(id) || usedGids.has(id))) id--;
  if (id < SYSTEM_ID_MIN) {
    throw new MuckError("INSTALL_FAILED", `${passwdFile}: no free system id between ${SYSTEM_ID_MIN} and ${SYSTEM_ID_MAX}`);
  }

  const group = readEntries(groupFile).find((e) => e.fields[0] === name);
  const gid = group === undefined ? id : Number(group.fields[2]);
  if (group === undefined) {
    appendLine(groupFile, `${name}:x:${gid}:`);
    if (existsSync(inRoot(root, "/etc/gshadow"))) appendLine(inRoot(root, "/etc/gshadow"), `${name}:!::`);
  }
  appendLine(passwdFile, `${name}:x:${id}:${gid}:muck-agent service:${STATE_DIR}:${NOLOGIN}`);
  // A locked password ("!"): nobody logs in as the service, not even with a password set later by mistake.
  const shadow = inRoot(root, "/etc/shadow");
  if (existsSync(shadow)) appendLine(shadow, `${name}:!:${Math.floor(Date.now() / 86_400_000)}::::::`);
  addMemberInRoot(groupFile, serialGroup, name);
  return { name, uid: id, gid, serialGid, created: true };
}

function ensureGroupInRoot(root: string, group: string, preferredGid: number): number {
  const groupFile = inRoot(root, "/etc/group");
  const found = readEntries(groupFile).find((e) => e.fields[0] === group);
  if (found !== undefined) return Number(found.fields[2]);
  appendLine(groupFile, `${group}:x:${preferredGid}:`);
  return preferredGid;
}

function addMemberInRoot(groupFile: string, group: string, user: string): void {
  const lines = readFileSync(groupFile, "utf8").split("\n");
  const updated = lines.map((line) => {
    const fields = line.split(":");
    if (fields[0] !== group || fields.length < 4) return line;
    const members = fields[3]!.split(",").filter((m) => m !== "");
    if (members.includes(user)) return line;
    fields[3] = [...members, user].join(",");
    return fields.join(":");
  });
  writeFileSync(groupFile, updated.join("\n"));
}

/** On the live system: `useradd --system` once, `usermod -aG dialout` always (idempotent). */
export function ensureUserOnSystem(name: string, serialGroup: string): SystemUser {
  let created = false;
  if (!idOf(["-u", name])) {
    run("useradd", ["--system", "--user-group", "--home-dir", STATE_DIR, "--no-create-home", "--shell", NOLOGIN,
      "--comment", "muck-agent service", "--groups", serialGroup, name]);
    created = true;
  } else {
    run("usermod", ["--append", "--groups", serialGroup, name]);
  }
  const serialGid = Number(execFileSync("getent", ["group", serialGroup], { encoding: "utf8" }).split(":")[2]);
  return { name, uid: Number(idOf(["-u", name])), gid: Number(idOf(["-g", name])), serialGid, created };
}

function idOf(args: string[]): string | null {
  try {
    return execFileSync("id", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? "";
    throw new MuckError("INSTALL_FAILED", `${command} ${args.join(" ")} failed: ${stderr || (error as Error).message}`);
  }
}
