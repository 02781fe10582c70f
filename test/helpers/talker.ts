/**
 * A device that talks on its own: writes one numbered line every `periodMs` to a virtual device,
 * recording when each was sent and whether it reached a plugged-in terminal.
 */
import type { VirtualSerialDevice } from "../../simulator/pty.js";
import { sleep } from "./wait-for.js";

export interface SentLine {
  seq: number;
  text: string;
  atMs: number;
  delivered: boolean;
}

export interface Talker {
  sent: SentLine[];
  stop(): Promise<void>;
}

/** Lines look like `$TEST,<seq>`, ended with CR LF like NMEA. */
export function startTalker(device: VirtualSerialDevice, periodMs: number): Talker {
  const sent: SentLine[] = [];
  let running = true;

  const loop = (async () => {
    for (let seq = 0; running; seq += 1) {
      const text = `$TEST,${seq}`;
      const atMs = Date.now();
      const delivered = await device.write(`${text}\r\n`);
      sent.push({ seq, text, atMs, delivered });
      await sleep(periodMs);
    }
  })();

  return {
    sent,
    async stop() {
      running = false;
      await loop;
    },
  };
}
