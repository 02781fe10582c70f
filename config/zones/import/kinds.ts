/**
 * Which kind of zone an imported feature is: `--kind` for all of them, else the name of the KML
 * folder it sits in ("Disposal sites", "No-go areas"), else a route for a line. A polygon or
 * point with neither is not guessed: a wrong kind would make wrong accusations.
 */
import type { ZoneKind } from "../zone.js";

/** `--kind` accepts the zone kinds and these short forms. */
const ALIASES: Record<string, ZoneKind> = {
  loading: "loading_site",
  disposal: "disposal_site",
  speed: "speed_zone",
  "no-go": "no_go",
  nogo: "no_go",
};

const FOLDER_WORDS: Array<[RegExp, ZoneKind]> = [
  [/\bload|excavat|\bpit/i, "loading_site"],
  [/dispos|\bdump|landfill|\bfill\b|transfer/i, "disposal_site"],
  [/no[\s_-]?go|forbidden|prohibit|restricted/i, "no_go"],
  [/speed/i, "speed_zone"],
  [/route|road|haul|corridor/i, "route"],
];

const KINDS: readonly ZoneKind[] = [
  "loading_site",
  "disposal_site",
  "route",
  "speed_zone",
  "no_go",
];

export function parseKind(text: string): ZoneKind | undefined {
  if ((KINDS as readonly string[]).includes(text)) return text as ZoneKind;
  return ALIASES[text.toLowerCase()];
}

export const KIND_CHOICES = [...KINDS, ...Object.keys(ALIASES)];

export function kindFromFolders(folders: readonly string[]): ZoneKind | undefined {
  // The innermost folder says most about the place.
  for (const folder of [...folders].reverse()) {
    const match = FOLDER_WORDS.find(([words]) => words.test(folder));
    if (match !== undefined) return match[1];
  }
  return undefined;
}
