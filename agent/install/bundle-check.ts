/**
 * The native parts an offline bundle must carry: serialport's and classic-level's prebuilt
 * binaries for the gateways in the field (x64 boxes, arm64 and 32-bit armv7 boards). npm picks
 * them at run time by platform and architecture; a bundle without one fails on that board only
 * when the agent first opens a port or the outbox — too late, in a truck with no network.
 */
import { execFileSync } from "node:child_process";

export interface RequiredBinary {
  arch: string;
  /** Matches the tar entry (under `<top>/node_modules/`). */
  pattern: RegExp;
  label: string;
}

export const REQUIRED_BINARIES: RequiredBinary[] = [
  { arch: "linux x64", label: "@serialport/bindings-cpp", pattern: /node_modules\/@serialport\/bindings-cpp\/prebuilds\/linux-x64\/[^/]*glibc\.node$/ },
  { arch: "linux arm64", label: "@serialport/bindings-cpp", pattern: /node_modules\/@serialport\/bindings-cpp\/prebuilds\/linux-arm64\/[^/]*armv8\.glibc\.node$/ },
  { arch: "linux armv7", label: "@serialport/bindings-cpp", pattern: /node_modules\/@serialport\/bindings-cpp\/prebuilds\/linux-arm\/[^/]*armv7\.glibc\.node$/ },
  { arch: "linux x64", label: "classic-level", pattern: /node_modules\/classic-level\/prebuilds\/linux-x64\/classic-level\.node$/ },
  { arch: "linux arm64", label: "classic-level", pattern: /node_modules\/classic-level\/prebuilds\/linux-arm64\/classic-level\.armv8\.node$/ },
  { arch: "linux armv7", label: "classic-level", pattern: /node_modules\/classic-level\/prebuilds\/linux-arm\/classic-level\.armv7\.node$/ },
];

export interface BundleCheck {
  found: Array<RequiredBinary & { entry: string }>;
  missing: RequiredBinary[];
}

export function checkBundleEntries(entries: string[]): BundleCheck {
  const found: BundleCheck["found"] = [];
  const missing: RequiredBinary[] = [];
  for (const required of REQUIRED_BINARIES) {
    const entry = entries.find((e) => required.pattern.test(e));
    if (entry === undefined) missing.push(required);
    else found.push({ ...required, entry });
  }
  return { found, missing };
}

export function tarEntries(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }).split("\n").filter((l) => l !== "");
}
