/**
 * The bytes a signature covers: the bundle without its `signature`, serialised by the JSON
 * Canonicalization Scheme (RFC 8785: sorted keys, no whitespace, ECMAScript number form), so
 * re-indenting or reordering a bundle in an editor does not break its signature.
 */
import canonicalize from "canonicalize";

export function canonicalBytes(value: unknown): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("a bundle must be a JSON object");
  return Buffer.from(text, "utf8");
}
