/**
 * What a process listens on, read from /proc as `ss -ltnp` would: the socket inodes among its
 * open files, matched with the LISTEN rows of /proc/net/tcp and tcp6, and a list of unix sockets.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";

const LISTEN = "0A";

export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1]!);
    } catch {
      // Closed while listing.
    }
  }

  const addresses: string[] = [];
  for (const table of ["tcp", "tcp6", "udp", "udp6"]) {
    const rows = readFileSync(`/proc/${pid}/net/${table}`, "utf8").trim().split("\n").slice(1);
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      const listening = table.startsWith("udp") || fields[3] === LISTEN;
      if (listening && inodes.has(fields[9]!)) addresses.push(`${table} ${decodeAddress(fields[1]!)}`);
    }
  }
  return addresses;
}

/** `0100007F:2382` → `127.0.0.1:9090` (IPv4 is little-endian hex; IPv6 is left as hex). */
function decodeAddress(hex: string): string {
  const [host, port] = hex.split(":") as [string, string];
  const ip = host.length === 8 ? [6, 4, 2, 0].map((i) => parseInt(host.slice(i, i + 2), 16)).join(".") : host;
  return `${ip}:${parseInt(port, 16)}`;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
