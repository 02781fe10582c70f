/**
 * Weight units the scale formats carry, and their conversion to kilograms. Every sample leaves
 * the driver in kilograms, whatever the indicator displays.
 */

export type WeightUnit = "kg" | "g" | "t" | "lb";

/** Exact by definition (international avoirdupois pound, 1959). */
export const KG_PER_LB = 0.45359237;

const KG_PER_UNIT: Record<WeightUnit, number> = { kg: 1, g: 0.001, t: 1000, lb: KG_PER_LB };

/** Spellings seen on indicators; case is ignored. `lbs` is a common misprint of `lb`. */
const UNIT_SPELLINGS = new Map<string, WeightUnit>([
  ["kg", "kg"],
  ["g", "g"],
  ["t", "t"],
  ["lb", "lb"],
  ["lbs", "lb"],
]);

/** The unit a frame names, or null when the agent does not know it (oz, custom units, …). */
export function parseUnit(text: string): WeightUnit | null {
  return UNIT_SPELLINGS.get(text.toLowerCase()) ?? null;
}

export function toKg(value: number, unit: WeightUnit): number {
  return value * KG_PER_UNIT[unit];
}

export function fromKg(weightKg: number, unit: WeightUnit): number {
  return weightKg / KG_PER_UNIT[unit];
}

/**
 * A magnitude as plain decimal text with at most `maxDecimals` places and no trailing zeros,
 * e.g. 1.25 → "1.25", 12340 → "12340". Used by encoders, which play an indicator's display.
 */
export function formatMagnitude(value: number, maxDecimals: number): string {
  return String(Number(Math.abs(value).toFixed(maxDecimals)));
}
