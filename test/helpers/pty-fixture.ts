/**
 * A virtual serial device in its own temp directory, for tests that need a real pty. `close()`
 * kills socat and removes the directory; call it in afterEach.
 */
import { join } from "node:path";

import { VirtualSerialDevice } from "../../simulator/pty.js";
import { makeTempDir } from "./temp-dir.js";

export interface PtyFixture {
  /** The stable link the agent opens. */
  devicePath: string;
  /** Null when created with `plugged: false`; set by `plug()`. */
  device: VirtualSerialDevice | null;
  /** Creates the device at `devicePath` (for "the path appears later" cases). */
  plug(): Promise<VirtualSerialDevice>;
  close(): Promise<void>;
}

export async function createPtyFixture(
  options: { name?: string; plugged?: boolean } = {},
): Promise<PtyFixture> {
  const dir = await makeTempDir("muck-pty-");
  const devicePath = join(dir.path, options.name ?? "usb-virtual-if00");

  const fixture: PtyFixture = {
    devicePath,
    device: null,
    async plug() {
      fixture.device = await VirtualSerialDevice.create({ devicePath });
      return fixture.device;
    },
    async close() {
      await fixture.device?.close();
      await dir.remove();
    },
  };

  if (options.plugged ?? true) await fixture.plug();
  return fixture;
}
