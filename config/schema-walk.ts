/**
 * Reading the config schema as data: which keys an object allows (for "did you mean …"), and
 * each option's default and metadata (for the option table).
 */
import { z } from "zod";
import type { PathSegment } from "./json-positions.js";
import type { OptionMeta } from "./option.js";

/** Strip defaults, optionality and pipes down to the schema that decides the value's shape. */
export function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/** The keys allowed by the object at `path`, or none when the path leads elsewhere. */
export function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let node = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject && typeof segment === "string") {
      const child = (node.shape as Record<string, z.ZodType>)[segment];
      if (child === undefined) return [];
      node = unwrap(child);
    } else if (node instanceof z.ZodArray && typeof segment === "number") {
      node = unwrap(node.element as z.ZodType);
    } else {
      return [];
    }
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** One documented option: a leaf of the schema, or an optional section. */
export interface OptionEntry {
  path: string;
  /** The default, JSON-rendered; undefined when the option has none. */
  defaultJson: string | undefined;
  meta: OptionMeta;
}

/** Every option of an object schema, depth first in declaration order. */
export function listOptions(schema: z.ZodType, prefix = ""): OptionEntry[] {
  const node = unwrap(schema);
  if (!(node instanceof z.ZodObject)) return [];

  const entries: OptionEntry[] = [];
  for (const [key, child] of Object.entries(node.shape as Record<string, z.ZodType>)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    const meta = child.meta() as OptionMeta | undefined;
    if (meta?.what !== undefined) entries.push({ path, defaultJson: defaultOf(child), meta });
    if (unwrap(child) instanceof z.ZodObject) entries.push(...listOptions(child, path));
  }
  return entries;
}

function defaultOf(schema: z.ZodType): string | undefined {
  if (!(schema instanceof z.ZodDefault)) return undefined;
  return JSON.stringify(schema._zod.def.defaultValue);
}
