/**
 * What one decoded sentence says about its epoch, with every field the receiver left empty as
 * null. The epoch assembler merges observations; it never sees raw fields.
 */
import type { FixQuality } from "../../agent/contracts.js";

/** The sentence types the agent uses; every other type is counted and skipped unparsed. */
export const USED_TYPES = ["RMC", "GGA", "VTG", "GSA", "GNS", "GLL", "ZDA"] as const;
export type UsedType = (typeof USED_TYPES)[number];

export interface Observation {
  talker: string;
  type: UsedType;
  /**
   * Milliseconds since UTC midnight. `undefined`: the type has no time field (VTG, GSA), so
   * it joins the open epoch. `null`: the type has a time field and it was empty.
   */
  timeOfDayMs: number | null | undefined;
  /** UTC midnight of the date the sentence carries (RMC, ZDA), epoch ms. */
  dateMs: number | null;
  lat: number | null;
  lon: number | null;
  /**
   * What the sentence says about the fix: true = valid, false = explicitly no fix
   * (RMC/GLL status V, GGA quality 0, GNS mode all N, GSA type 1); undefined = says nothing.
   */
  fixValid: boolean | undefined;
  speedKnots: number | null;
  speedKmh: number | null;
  courseDeg: number | null;
  altM: number | null;
  geoidSepM: number | null;
  hdop: number | null;
  sats: number | null;
  quality: FixQuality | null;
  /** GSA fix dimension: 1 = none, 2 = 2D, 3 = 3D. */
  gsaMode: 1 | 2 | 3 | null;
}

export function blankObservation(talker: string, type: UsedType): Observation {
  return {
    talker,
    type,
    timeOfDayMs: undefined,
    dateMs: null,
    lat: null,
    lon: null,
    fixValid: undefined,
    speedKnots: null,
    speedKmh: null,
    courseDeg: null,
    altM: null,
    geoidSepM: null,
    hdop: null,
    sats: null,
    quality: null,
    gsaMode: null,
  };
}
