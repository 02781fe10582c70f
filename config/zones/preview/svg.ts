/** Writing SVG by hand: escaped text and attributes, numbers rounded to a tenth of a pixel. */

export type Attributes = Record<string, string | number | undefined>;

export function element(name: string, attributes: Attributes, children: string[] = []): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escape(typeof value === "number" ? px(value) : value!)}"`)
    .join("");
  return children.length === 0
    ? `<${name}${attrs}/>`
    : `<${name}${attrs}>${children.join("")}</${name}>`;
}

export function text(content: string, attributes: Attributes): string {
  return `<text${Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escape(typeof value === "number" ? px(value) : value!)}"`)
    .join("")}>${escape(content)}</text>`;
}

export function title(content: string): string {
  return `<title>${escape(content)}</title>`;
}

export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function escape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
