/**
 * The option table of the README, generated from the schema: path, default, unit, description.
 * Regenerate with `muck-agent config defaults` whenever an option changes.
 */
import type { z } from "zod";
import { listOptions, type OptionEntry } from "./schema-walk.js";

/** A markdown table with one row per option of `schema`. */
export function optionsMarkdown(schema: z.ZodType): string {
  const rows = listOptions(schema).map((entry) => [
    code(entry.path),
    defaultCell(entry),
    entry.meta.unit === "" ? "—" : entry.meta.unit,
    entry.meta.what,
  ]);

  const header = ["Option", "Default", "Unit", "Description"];
  const lines = [header, header.map(() => "---"), ...rows].map(
    (cells) => `| ${cells.map(escapeCell).join(" | ")} |`,
  );
  return `${lines.join("\n")}\n`;
}

function defaultCell(entry: OptionEntry): string {
  if (entry.defaultJson !== undefined) return code(entry.defaultJson);
  return entry.meta.required === true ? "required" : "unset";
}

function code(text: string): string {
  return `\`${text}\``;
}

// A pipe inside a cell would split it into two columns.
function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}
