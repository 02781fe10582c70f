/**
 * What the operator's checks (`zones check`) report beyond the loader's rejections: a problem
 * with a feature that the agent would accept but that will not do what its author meant.
 */
import type { Zone } from "./zone.js";
import type { RawIssue } from "./zone-issues.js";

export type Severity = "error" | "warning";

/** A zone the loader accepted, with its position in `features`. */
export interface PlacedZone {
  zone: Zone;
  index: number;
}

export interface Finding extends RawIssue {
  severity: Severity;
}

export function finding(
  severity: Severity,
  rule: NonNullable<RawIssue["rule"]>,
  at: { index: number; field?: string },
  text: { message: string; expected: string; found: string },
): Finding {
  const path =
    at.field === undefined
      ? ["features", at.index, "geometry"]
      : ["features", at.index, "properties", at.field];
  return { severity, rule, path, ...text };
}

/** `"pit-3" (features[2])`, how one finding names another zone. */
export function nameOf(placed: PlacedZone): string {
  return `"${placed.zone.id}" (features[${placed.index}])`;
}
