/**
 * The acknowledgement a truck publishes (retained) after each bundle or local reload it judged:
 * what it was, the verdict, every error with its path, and what the truck now runs — so even an
 * "ignored" ack tells the operator which versions are in force.
 */
import type { ConfigIssue } from "../errors.js";
import type { Layers, ZonesSource } from "./layers.js";

export type Verdict = "applied" | "rejected" | "ignored" | "rolled_back";

export interface ConfigAck {
  truckId: string;
  at: string;
  /** Where the config came from: a bundle's topic, or the local file (a SIGHUP reload). */
  channel: "fleet" | "truck" | "local";
  /** The bundle's version, when it could be read. */
  version: number | null;
  result: Verdict;
  /** Why it was ignored (rejections list their errors instead). */
  reason?: string;
  errors: Array<Pick<ConfigIssue, "file" | "path" | "message" | "expected" | "found" | "line">>;
  running: { fleet: number | null; truck: number | null; zonesFrom: ZonesSource };
}

export function runningVersions(layers: Layers, zonesFrom: ZonesSource): ConfigAck["running"] {
  return {
    fleet: layers.fleet?.bundle.version ?? null,
    truck: layers.truck?.bundle.version ?? null,
    zonesFrom,
  };
}

export function ackErrors(issues: ConfigIssue[]): ConfigAck["errors"] {
  return issues.map(({ file, path, message, expected, found, line }) => ({
    file,
    path,
    message,
    expected,
    found,
    ...(line === undefined ? {} : { line }),
  }));
}
