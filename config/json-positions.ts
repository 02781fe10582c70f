/**
 * A small strict JSON scanner that records where every key and array element starts, so config
 * errors can point at a line. JSON.parse gives values but no positions, and on Node 20 its
 * syntax errors do not always say where the problem is; this scanner says both.
 *
 * Paths use the same spelling as config issues: `gps.baudRate`, `zones[2].x`, `["odd key"]`.
 * The root value has the path "". A duplicated key keeps its last position, as JSON.parse keeps
 * its last value.
 */

/** A 1-based line and column. */
export interface JsonPosition {
  line: number;
  column: number;
}

export type PathSegment = string | number;

/** Where and why a text is not JSON; `line` and `column` are 1-based. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    /** The offending text (a character, a short token) or "end of file". */
    readonly near: string,
  ) {
    super(`${reason} at line ${line} column ${column}`);
    this.name = "JsonSyntaxError";
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t", "u"]);

/** Join path segments: `["gps", "baudRate"]` → `gps.baudRate`, `["zones", 2, "x"]` → `zones[2].x`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = "";
  for (const segment of segments) path = joinPath(path, segment);
  return path;
}

function joinPath(parent: string, segment: PathSegment): string {
  if (typeof segment === "number") return `${parent}[${segment}]`;
  if (!IDENTIFIER.test(segment)) return `${parent}[${JSON.stringify(segment)}]`;
  return parent === "" ? segment : `${parent}.${segment}`;
}

/** Map every path in `text` to where its key (or element) starts; throws JsonSyntaxError. */
export function indexJsonPositions(text: string): Map<string, JsonPosition> {
  return new Scanner(text).run();
}

class Scanner {
  private pos = 0;
  private readonly positions = new Map<string, JsonPosition>();
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") this.lineStarts.push(i + 1);
  }

  run(): Map<string, JsonPosition> {
    this.skipSpace();
    this.positions.set("", this.positionAt(this.pos));
    this.value("");

    this.skipSpace();
    if (this.pos < this.text.length) this.fail("unexpected text after the end of the JSON value");
    return this.positions;
  }

  private value(path: string): void {
    const ch = this.text[this.pos];
    if (ch === "{") return this.object(path);
    if (ch === "[") return this.array(path);
    if (ch === '"') return void this.string();
    if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) return this.number();

    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    if (ch === "'") this.fail("strings must use double quotes");
    this.fail(ch === undefined ? "unexpected end of file" : "expected a value");
  }

  private object(path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") return void this.pos++;

    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === "}") this.fail("trailing comma before }");
      if (ch !== '"')
        this.fail(ch === "'" ? "keys must use double quotes" : "expected a double-quoted key");
      const keyPosition = this.positionAt(this.pos);
      const childPath = joinPath(path, this.string());
      this.positions.set(childPath, keyPosition);

      this.skipSpace();
      this.expect(":", "expected ':' after the key");
      this.skipSpace();
      this.value(childPath);

      this.skipSpace();
      if (this.text[this.pos] === "}") return void this.pos++;
      this.expect(",", "expected ',' or '}' after the value");
    }
  }

  private array(path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") return void this.pos++;

    for (let index = 0; ; index++) {
      this.skipSpace();
      if (this.text[this.pos] === "]") this.fail("trailing comma before ]");
      const childPath = joinPath(path, index);
      this.positions.set(childPath, this.positionAt(this.pos));
      this.value(childPath);

      this.skipSpace();
      if (this.text[this.pos] === "]") return void this.pos++;
      this.expect(",", "expected ',' or ']' after the element");
    }
  }

  /** Scan a string starting at its opening quote; return its decoded value. */
  private string(): string {
    const start = this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail("unterminated string", start);
      if (ch === '"') break;
      if (ch < " ") this.fail("raw control character in a string (escape it)");
      if (ch === "\\") {
        const escape = this.text[this.pos + 1] ?? "";
        if (!ESCAPES.has(escape)) this.fail("invalid escape in a string");
        if (
          escape === "u" &&
          !/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))
        ) {
          this.fail("invalid \\u escape in a string");
        }
        this.pos += escape === "u" ? 6 : 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0] === "-") this.fail("invalid number");
    this.pos += match[0].length;
  }

  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") this.pos++;
      else if (ch === "/" && "/*".includes(this.text[this.pos + 1] ?? "")) {
        this.fail("comments are not allowed in JSON");
      } else return;
    }
  }

  private expect(ch: string, reason: string): void {
    if (this.text[this.pos] !== ch) this.fail(reason);
    this.pos++;
  }

  private positionAt(offset: number): JsonPosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }

  private fail(reason: string, offset = this.pos): never {
    const { line, column } = this.positionAt(offset);
    const rest = this.text.slice(offset, offset + 12).split(/\r?\n/)[0] ?? "";
    const near = offset < this.text.length ? JSON.stringify(rest) : "end of file";
    throw new JsonSyntaxError(reason, offset, line, column, near);
  }
}
