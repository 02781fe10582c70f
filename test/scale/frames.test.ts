import { describe, expect, it } from "vitest";
import { FrameSplitter, type SplitEvent } from "../../drivers/scale/frames.js";
import { byteByByte, randomChunks } from "./helpers.js";

/** Events as short strings: `frame:<text>` or `<dropKind>:<text>`. */
function summary(events: SplitEvent[]): string[] {
  return events.map((event) =>
    event.type === "frame"
      ? `frame:${event.frame.toString("latin1")}`
      : `${event.kind}:${event.bytes.toString("latin1")}`,
  );
}

type Chunker = (bytes: Buffer) => Buffer[];

function split(splitter: FrameSplitter, stream: string, chunks: Chunker = (bytes) => [bytes]) {
  return summary(chunks(Buffer.from(stream, "latin1")).flatMap((chunk) => splitter.push(chunk)));
}

const line = (maxFrameBytes?: number) => new FrameSplitter({ framing: "line", maxFrameBytes });
const stx = (maxFrameBytes?: number) => new FrameSplitter({ framing: "stx", maxFrameBytes });

describe("line framing", () => {
  it("ends lines at CR LF, LF or CR alone and skips empty lines", () => {
    const events = split(line(), "tail\r\nA\r\nB\nC\rD\r\n\r\n");

    expect(events).toEqual(["partial:tail", "frame:A", "frame:B", "frame:C", "frame:D"]);
  });

  it("drops nothing when the stream opens on a terminator", () => {
    expect(split(line(), "\r\nA\r")).toEqual(["frame:A"]);
  });

  it("cuts the same frames whether fed whole, byte by byte or in random chunks", () => {
    const stream = "ST,GS,+1 kg\r\nST,GS,+22 kg\rST,GS,+333 kg\nST,GS,+4444 kg\r\n";
    const whole = split(line(), stream);

    expect(split(line(), stream, byteByByte)).toEqual(whole);
    expect(split(line(), stream, (b) => randomChunks(b, 3, 5))).toEqual(whole);
    expect(whole).toEqual([
      "partial:ST,GS,+1 kg",
      "frame:ST,GS,+22 kg",
      "frame:ST,GS,+333 kg",
      "frame:ST,GS,+4444 kg",
    ]);
  });

  it("drops an over-long line once, keeping only the bounded head, and resumes after it", () => {
    const events = split(line(8), "\r\n1234567890abc\r\nOK\r\n");

    expect(events).toEqual(["overlong:12345678", "frame:OK"]);
  });

  it("counts over-long garbage before the first terminator as overlong, not also as partial", () => {
    const events = split(line(4), "abcdefgh\r\nOK\r\n");

    expect(events).toEqual(["overlong:abcd", "frame:OK"]);
  });

  it("markFrameStart drops what was buffered as the partial, once, and keeps the next line", () => {
    const splitter = line();

    split(splitter, "stale");
    expect(summary(splitter.markFrameStart())).toEqual(["partial:stale"]);
    expect(split(splitter, "S S 1 kg\r\nhalf")).toEqual(["frame:S S 1 kg"]);
    expect(summary(splitter.markFrameStart())).toEqual([]);
    expect(split(splitter, " line\r\n")).toEqual(["frame:half line"]);
  });
});

describe("reset", () => {
  it("reports the cut-short frame and treats the next bytes as a fresh opening", () => {
    const splitter = line();

    expect(split(splitter, "\r\nA\r\nhal")).toEqual(["frame:A"]);
    expect(summary(splitter.reset())).toEqual(["partial:hal"]);
    expect(split(splitter, "f\r\nB\r\n")).toEqual(["partial:f", "frame:B"]);
  });

  it("forgets a held Toledo frame's state", () => {
    const splitter = stx();

    split(splitter, "\u0002AB\r");
    expect(summary(splitter.reset())).toEqual(["partial:\u0002AB\r"]);
    expect(split(splitter, "x\u0002CD\ry")).toEqual(["partial:x", "frame:\u0002CD\ry"]);
  });
});

describe("STX framing", () => {
  const frame = (body: string, checksum = "") => `\u0002${body}\r${checksum}`;

  it("drops bytes before the first STX as partial and keeps the checksum with its frame", () => {
    const events = split(stx(), `junk${frame("AB", "x")}${frame("CD", "y")}`);

    expect(events).toEqual(["partial:junk", "frame:\u0002AB\rx", "frame:\u0002CD\ry"]);
  });

  it("without a checksum, releases a frame when the next STX arrives", () => {
    const splitter = stx();

    expect(split(splitter, frame("AB"))).toEqual([]);
    expect(split(splitter, "\u0002")).toEqual(["frame:\u0002AB\r"]);
  });

  it("treats a checksum equal to STX as a frame start that the real STX replaces", () => {
    const events = split(stx(), `${frame("AB", "\u0002")}${frame("CD", "y")}`);

    expect(events).toEqual(["frame:\u0002AB\r", "frame:\u0002CD\ry"]);
  });

  it("counts a frame cut short by STX and bytes between frames as bad frames", () => {
    const stream = `${frame("AB", "x")}\u0002A${frame("CD", "y")}zz${frame("EF", "w")}`;

    const events = split(stx(), stream);

    expect(events).toEqual([
      "frame:\u0002AB\rx",
      "badFrame:\u0002A",
      "frame:\u0002CD\ry",
      "badFrame:zz",
      "frame:\u0002EF\rw",
    ]);
  });

  it("recognises STX and CR with a parity bit set", () => {
    const stream = Buffer.from([0x82, 0x41, 0x8d, 0x55, 0x82, 0x42, 0x8d, 0x56]);

    const events = stx().push(stream);

    expect(events.map((event) => (event.type === "frame" ? [...event.frame] : event.kind))).toEqual([
      [0x82, 0x41, 0x8d, 0x55],
      [0x82, 0x42, 0x8d, 0x56],
    ]);
  });

  it("drops an over-long frame once and resumes at the next STX", () => {
    const events = split(stx(6), `\u00021234567890\r${frame("OK", "c")}`);

    expect(events).toEqual(["overlong:\u000212345", "frame:\u0002OK\rc"]);
  });
});
