/** Test bundles: built with the operator's own code, signed with a key made per test. */
import { generateFleetKeys, signBundle, type FleetKeyPair } from "../../agent/ota/signature.js";
import { BUNDLE_FORMAT, type Bundle } from "../../agent/ota/bundle.js";

export function makeBundle(
  version: number,
  target: string,
  parts: { settings?: Record<string, unknown>; zones?: Record<string, unknown> } = {},
): Bundle {
  return { format: BUNDLE_FORMAT, version, issuedAt: "2026-12-03T07:00:00Z", target, ...parts };
}

export function signed(bundle: Bundle, keys: FleetKeyPair): Bundle {
  return signBundle(bundle, keys.privateKeyPem);
}

export { generateFleetKeys };

/** A speed zone: a square of `halfM` metres around the drive's start, with a limit. */
export function speedZoneFile(
  limitKmh: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const d = 0.05;
  return {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        properties: {
          id: "city",
          name: "City limit",
          kind: "speed_zone",
          speedLimitKmh: limitKmh,
          ...extra,
        },
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [121.47 - d, 31.23 - d],
              [121.47 + d, 31.23 - d],
              [121.47 + d, 31.23 + d],
              [121.47 - d, 31.23 + d],
              [121.47 - d, 31.23 - d],
            ],
          ],
        },
      },
    ],
  };
}
