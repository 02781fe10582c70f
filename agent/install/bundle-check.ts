/**
 * The native parts an offline bundle must carry: serialport's and classic-level's prebuilt
 * binaries for the gateways in the field (x64 boxes, arm64 and 32-bit armv7 boards). npm picks
 * them at run time by platform and architecture; a bundle without one fails on that board only
 * when the agent first opens a port or the outbox — too late, in a truck with no network.
 */
import { execFileSync } from "node:child_process";

export interface RequiredBinary {
  arch: string;
  /** The file's path inside the package folder; the tar entry ends with it. */
  path: string;
  label: string;
}

const SERIALPORT = "node_modules/@serialport/bindings-cpp/prebuilds";
const CLASSIC_LEVEL = "node_modules/classic-level/prebuilds";

/** File names as the two packages' prebuilds use them (glibc builds; Debian is glibc). */
export const REQUIRED_BINARIES: RequiredBinary[] = [
  binary("linux x64", "@serialport/bindings-cpp", `${SERIALPORT}/linux-x64/@serialport+bindings-cpp.glibc.node`),
  binary("linux arm64", "@serialport/bindings-cpp", `${SERIALPORT}/linux-arm64/@serialport+bindings-cpp.armv8.glibc.node`),
  binary("linux armv7", "@serialport/bindings-cpp", `${SERIALPORT}/linux-arm/@serialport+bindings-cpp.armv7.glibc.node`),
  binary("linux x64", "classic-level", `${CLASSIC_LEVEL}/linux-x64/classic-level.node`),
  binary("linux arm64", "classic-level", `${CLASSIC_LEVEL}/linux-arm64/classic-level.armv8.node`),
  binary("linux armv7", "classic-level", `${CLASSIC_LEVEL}/linux-arm/classic-level.armv7.node`),
];

function binary(arch: string, label: string, path: string): RequiredBinary {
  return { arch, label, path };
}

export interface BundleCheck {
  found: Array<RequiredBinary & { entry: string }>;
  missing: RequiredBinary[];
}

export function checkBundleEntries(entries: string[]): BundleCheck {
  const found: BundleCheck["found"] = [];
  const missing: RequiredBinary[] = [];
  for (const required of REQUIRED_BINARIES) {
    const entry = entries.find((e) => e.endsWith(`/${required.path}`));
    if (entry === undefined) missing.push(required);
    else found.push({ ...required, entry });
  }
  return { found, missing };
}

export function tarEntries(tarball: string): string[] {
  const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return listing.split("\n").filter((line) => line !== "");
}
