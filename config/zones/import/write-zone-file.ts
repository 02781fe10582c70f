/**
 * A zone file as text people can read and diff: two-space indentation, but each position on one
 * line (`[121.4, 31.2]`) instead of three, so a route's vertices read as a list.
 */
export function formatZoneFile(collection: unknown): string {
  const json = JSON.stringify(collection, null, 2);
  return `${json.replace(/\[\s+(-?[\d.eE+-]+),\s+(-?[\d.eE+-]+)\s+\]/g, "[$1, $2]")}\n`;
}
