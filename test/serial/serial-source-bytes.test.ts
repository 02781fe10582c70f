/**
 * Bytes through a real pseudo-terminal opened by serialport: nothing translated, nothing lost,
 * lines split correctly wherever the chunks break.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { SerialSource, type SerialSourceOptions } from "../../drivers/serial/serial-source.js";
import { captureLogs } from "../helpers/log-capture.js";
import { openFdTargets } from "../helpers/open-fds.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { sleep, waitFor } from "../helpers/wait-for.js";

let fixture: PtyFixture | null = null;
let source: SerialSource | null = null;

beforeEach(() => {
  captureLogs("warn");
});

afterEach(async () => {
  await source?.stop();
  await fixture?.close();
  source = null;
  fixture = null;
});

async function openSource(extra: Partial<SerialSourceOptions> = {}): Promise<SerialSource> {
  fixture = await createPtyFixture();
  source = new SerialSource({
    path: fixture.devicePath,
    baudRate: 9600,
    silenceTimeoutS: 5,
    reopenMinMs: 50,
    reopenMaxMs: 200,
    name: "gps",
    ...extra,
  });
  source.start();
  await waitFor(() => source?.state === "open", 3000, "source open");
  return source;
}

/** Writes each piece separately, pausing so the agent reads them as separate chunks. */
async function writeInPieces(pieces: (string | Buffer)[]): Promise<void> {
  for (const piece of pieces) {
    await fixture?.device?.write(piece);
    await sleep(15);
  }
}

function collectBytes(serial: SerialSource): Buffer[] {
  const chunks: Buffer[] = [];
  serial.on("data", (chunk) => chunks.push(chunk));
  return chunks;
}

function collectLines(serial: SerialSource): string[] {
  const lines: string[] = [];
  serial.on("line", (line) => lines.push(line));
  return lines;
}

describe("SerialSource over a pty: raw bytes", () => {
  it("delivers every byte value 0x00..0xFF unchanged and in order", async () => {
    const serial = await openSource();
    const chunks = collectBytes(serial);
    const ascending = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const expected = Buffer.concat([ascending, Buffer.from(ascending).reverse()]);

    await writeInPieces([ascending, Buffer.from(ascending).reverse()]);
    await waitFor(() => Buffer.concat(chunks).length >= 512, 2000, "512 bytes");

    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    expect(serial.stats().bytes).toBe(512);
  });

  it("passes CR alone and CR LF through untranslated", async () => {
    const serial = await openSource();
    const chunks = collectBytes(serial);

    await writeInPieces(["W+00012.5kg\r", "W+00013.0kg\r\n", "\n\r"]);
    await waitFor(() => Buffer.concat(chunks).length >= 27, 2000, "27 bytes");

    expect(Buffer.concat(chunks).toString("latin1")).toBe("W+00012.5kg\rW+00013.0kg\r\n\n\r");
  });

  it("sends the agent's writes to the device (polled indicators)", async () => {
    const serial = await openSource({ name: "scale" });
    const received: Buffer[] = [];
    fixture?.device?.on("data", (chunk) => received.push(chunk));

    expect(await serial.write("SI\r\n")).toBe(true);
    await waitFor(() => Buffer.concat(received).length >= 4, 2000, "poll at the device");

    expect(Buffer.concat(received).toString("latin1")).toBe("SI\r\n");
  });

  it("resolves write() false when the port is not open", async () => {
    fixture = await createPtyFixture();
    source = new SerialSource({
      path: fixture.devicePath,
      baudRate: 9600,
      silenceTimeoutS: 5,
      reopenMinMs: 50,
      reopenMaxMs: 200,
      name: "scale",
    });

    expect(await source.write("SI\r\n")).toBe(false);
  });

  it("releases the device handle on stop()", async () => {
    const serial = await openSource();
    const ptsPath = fixture?.device?.ptsPath;
    expect(openFdTargets()).toContain(ptsPath);

    await serial.stop();

    expect(openFdTargets()).not.toContain(ptsPath);
    expect(serial.state).toBe("stopped");
  });
});

describe("SerialSource over a pty: lines mode", () => {
  const sentences = [
    "$GNRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57",
    "$GNGGA,083559.00,4717.11437,N,00833.91522,E,1,08,1.01,499.6,M,48.0,M,,*5B",
    "$GNGSA,A,3,23,29,07,08,09,18,26,28,,,,,1.94,1.18,1.54*0D",
  ];
  const stream = sentences.map((sentence) => `${sentence}\r\n`).join("");

  it("splits CR LF sentences when a chunk breaks between CR and LF", async () => {
    const serial = await openSource({ lines: true });
    const lines = collectLines(serial);
    const afterFirstCr = stream.indexOf("\r") + 1;

    await writeInPieces([stream.slice(0, afterFirstCr), stream.slice(afterFirstCr)]);
    await waitFor(() => lines.length >= 3, 2000, "3 lines");

    expect(lines).toEqual(sentences);
  });

  it("splits sentences when chunks break mid-sentence and mid-checksum", async () => {
    const serial = await openSource({ lines: true });
    const lines = collectLines(serial);
    const cuts = [5, 40, stream.indexOf("*5B") + 2, stream.length - 1];
    const pieces = [0, ...cuts].map((start, i) => stream.slice(start, cuts[i] ?? stream.length));

    await writeInPieces(pieces);
    await waitFor(() => lines.length >= 3, 2000, "3 lines");

    expect(pieces.join("")).toBe(stream);
    expect(lines).toEqual(sentences);
  });

  it("splits sentences written one byte at a time", async () => {
    const serial = await openSource({ lines: true });
    const lines = collectLines(serial);
    const oneSentence = `${sentences[2]}\r\n`;

    for (const char of oneSentence) {
      await fixture?.device?.write(char);
      await sleep(2);
    }
    await waitFor(() => lines.length >= 1, 2000, "1 line");

    expect(lines).toEqual([sentences[2]]);
  });

  it("accepts LF-only receivers and keeps a line's other bytes as latin1 characters", async () => {
    const serial = await openSource({ lines: true });
    const lines = collectLines(serial);

    await writeInPieces([Buffer.from([0x24, 0x41, 0xb0, 0xff, 0x0a]), "$B\n"]);
    await waitFor(() => lines.length >= 2, 2000, "2 lines");

    expect(lines).toEqual(["$A\u00b0\u00ff", "$B"]);
  });

  it("splits on CR alone when configured for a CR-terminated scale", async () => {
    const serial = await openSource({ lines: true, delimiter: "\r", name: "scale" });
    const lines = collectLines(serial);

    await writeInPieces(["ST,GS,   12", "450 kg\rST,GS,   12", "460 kg\r"]);
    await waitFor(() => lines.length >= 2, 2000, "2 lines");

    expect(lines).toEqual(["ST,GS,   12450 kg", "ST,GS,   12460 kg"]);
  });
});
