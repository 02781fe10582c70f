import { describe, expect, it } from "vitest";
import { formatPath, indexJsonPositions, JsonSyntaxError } from "../../config/json-positions.js";

function syntaxError(text: string): JsonSyntaxError {
  try {
    indexJsonPositions(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error(`no syntax error in ${JSON.stringify(text)}`);
}

describe("formatPath", () => {
  it("spells paths the way config issues do", () => {
    expect(formatPath(["gps", "baudRate"])).toBe("gps.baudRate");
    expect(formatPath(["zones", 2, "x"])).toBe("zones[2].x");
    expect(formatPath([0, "a"])).toBe("[0].a");
    expect(formatPath(["odd key", "b"])).toBe('["odd key"].b');
    expect(formatPath([])).toBe("");
  });
});

describe("indexJsonPositions", () => {
  it("finds the line and column of nested keys and array elements", () => {
    const text = [
      "{",
      '  "gps": {',
      '    "baudRate": 9600',
      "  },",
      '  "zones": [',
      '    { "x": 1 },',
      '    { "x": 2,',
      '      "y": "a\\"b" },',
      "    [true, null, -1.5e3]",
      "  ]",
      "}",
    ].join("\n");
    const positions = indexJsonPositions(text);

    expect(positions.get("")).toEqual({ line: 1, column: 1 });
    expect(positions.get("gps")).toEqual({ line: 2, column: 3 });
    expect(positions.get("gps.baudRate")).toEqual({ line: 3, column: 5 });
    expect(positions.get("zones[0].x")).toEqual({ line: 6, column: 7 });
    expect(positions.get("zones[1]")).toEqual({ line: 7, column: 5 });
    expect(positions.get("zones[1].y")).toEqual({ line: 8, column: 7 });
    expect(positions.get("zones[2][2]")).toEqual({ line: 9, column: 18 });
    expect(positions.has("zones[3]")).toBe(false);
  });

  it("keeps the last position of a duplicated key, as JSON.parse keeps the last value", () => {
    const positions = indexJsonPositions('{\n"a": 1,\n"a": 2\n}');
    expect(positions.get("a")?.line).toBe(3);
  });

  it("handles CRLF line ends and keys with escapes", () => {
    const positions = indexJsonPositions('{\r\n  "a\\u0062": {\r\n    "c d": 1\r\n  }\r\n}');
    expect(positions.get("ab")).toEqual({ line: 2, column: 3 });
    expect(positions.get('ab["c d"]')).toEqual({ line: 3, column: 5 });
  });
});

describe("syntax errors", () => {
  it.each([
    ['{\n  "a": 1,\n}', "trailing comma before }", 3, 1],
    ['{"a": [1, 2,]}', "trailing comma before ]", 1, 13],
    ['{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}' after the value", 3, 3],
    ["{\n  // note\n}", "comments are not allowed in JSON", 2, 3],
    ["{'a': 1}", "keys must use double quotes", 1, 2],
    ["{\"a\": 'x'}", "strings must use double quotes", 1, 7],
    ['{"a": "open}', "unterminated string", 1, 7],
    ['{"a": tru}', "expected a value", 1, 7],
    ['{"a": 01}', "expected ',' or '}' after the value", 1, 8],
    ['{"a": "\\x"}', "invalid escape in a string", 1, 8],
    ['{"a": 1} x', "unexpected text after the end of the JSON value", 1, 10],
    ["", "unexpected end of file", 1, 1],
    ['{"a": ', "unexpected end of file", 1, 7],
  ])("%j → %s at %i:%i", (text, reason, line, column) => {
    const error = syntaxError(text);
    expect({ reason: error.reason, line: error.line, column: error.column }).toEqual({
      reason,
      line,
      column,
    });
  });

  it("agrees with JSON.parse on what is JSON", () => {
    const samples = [
      '{"a": [1, -0, 0.5, 1e-7, 2E+3, true, false, null, "\\u00e9\\n"]}',
      '"just a string"',
      "  42  ",
      "[]",
      "{}",
      '{"a": 1.}',
      '{"a": .5}',
      '{"a": +1}',
      '{"a": NaN}',
      '{"a": "tab\there"}',
      '{"a": "\\u12G4"}',
      "[1,,2]",
      '{"a" 1}',
      "nul",
    ];
    for (const text of samples) {
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      let scans = true;
      try {
        indexJsonPositions(text);
      } catch {
        scans = false;
      }
      expect(scans, text).toBe(parses);
    }
  });
});
