/**
 * How an option is declared: its schema plus the words and unit that document it. The metadata
 * lands in zod's global registry (`description` is the one-line doc; `what` and `unit` feed the
 * option table), and custom checks carry an `expected` text for config issues.
 */
import { z } from "zod";

/** Metadata every option carries; read by the option table generator. */
export interface OptionMeta {
  what: string;
  /** Empty for text, enums and dimensionless values. */
  unit: string;
  description: string;
  required?: boolean;
}

function describe(what: string, unit: string, fallback: string): string {
  return `${what} Unit: ${unit === "" ? "none" : unit}. Default: ${fallback}.`;
}

/** An option with a default: the default is applied when the key is absent. */
export function option<T extends z.ZodType>(
  schema: T,
  fallback: z.output<T>,
  unit: string,
  what: string,
) {
  const meta: OptionMeta = {
    what,
    unit,
    description: describe(what, unit, JSON.stringify(fallback)),
  };
  return schema.default(fallback as never).meta({ ...meta });
}

/** An option that has no default and must be given. */
export function required<T extends z.ZodType>(schema: T, what: string) {
  const meta: OptionMeta = {
    what,
    unit: "",
    description: describe(what, "", "none (required)"),
    required: true,
  };
  return schema.meta({ ...meta });
}

/** An option that may be left out; absent means "not used". */
export function optional<T extends z.ZodType>(schema: T, what: string, unit = "") {
  const meta: OptionMeta = { what, unit, description: describe(what, unit, "unset") };
  return schema.optional().meta({ ...meta });
}

/** A custom check that also says what was expected, for the `expected` part of an issue. */
export function satisfies(test: (value: string) => boolean, expected: string, message: string) {
  return z.string().refine(test, { message, params: { expected } });
}

/** Cross-field check: `low` must not exceed `high` (backoff floors and ceilings). */
export function notAbove<K extends string>(low: K, high: K) {
  return (value: Record<K, number>, ctx: z.RefinementCtx): void => {
    if (value[low] <= value[high]) return;
    ctx.addIssue({
      code: "custom",
      path: [low],
      message: `${low} is above ${high}, so the backoff could never grow`,
      params: { expected: `at most ${high} (${value[high]})` },
    });
  };
}

/**
 * Run a cross-field check once the fields it reads are valid, even while other fields of the
 * section are not, so one `config check` reports every problem (zod skips it otherwise).
 */
export function once<K extends string>(...fields: K[]) {
  return {
    when: (payload: z.core.ParsePayload): boolean =>
      typeof payload.value === "object" &&
      payload.value !== null &&
      !payload.issues.some((issue) => fields.includes(issue.path?.[0] as K)),
  };
}
