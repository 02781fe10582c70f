/**
 * The simulator's virtual device on its own: raw from the first byte, a stable link re-pointed on
 * replug, and clear errors when socat is missing.
 */
import { closeSync, constants, existsSync, openSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

import { VirtualSerialDevice } from "../../simulator/pty.js";
import { createPtyFixture, type PtyFixture } from "../helpers/pty-fixture.js";
import { makeTempDir, type TempDir } from "../helpers/temp-dir.js";
import { sleep } from "../helpers/wait-for.js";

let fixture: PtyFixture | null = null;
let dir: TempDir | null = null;

afterEach(async () => {
  await fixture?.close();
  await dir?.remove();
  fixture = null;
  dir = null;
});

describe("VirtualSerialDevice", () => {
  it("is raw before the first byte: no CR/LF translation, no echo", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const echoed: Buffer[] = [];
    device.on("data", (chunk) => echoed.push(chunk));

    // Written before anyone opens the terminal, then read with plain fs, which changes no setting.
    await device.write("A\rB\r\nC\n");
    await sleep(50);
    const fd = openSync(
      fixture.devicePath,
      constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY,
    );
    const buffer = Buffer.alloc(64);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    closeSync(fd);

    expect(buffer.subarray(0, bytesRead).toString("latin1")).toBe("A\rB\r\nC\n");
    expect(echoed).toEqual([]);
  });

  it("removes the link on unplug and re-points it at a new terminal on replug", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const firstPts = device.ptsPath;
    expect(firstPts).toMatch(/^\/dev\/pts\/\d+$/);
    expect(realpathSync(fixture.devicePath)).toBe(firstPts);

    await device.unplug("hangup");
    expect(existsSync(fixture.devicePath)).toBe(false);
    expect(device.plugged).toBe(false);
    expect(await device.write("lost\r\n")).toBe(false);

    await device.replug();
    expect(device.ptsPath).toMatch(/^\/dev\/pts\/\d+$/);
    expect(device.ptsPath).not.toBe(firstPts);
    expect(realpathSync(fixture.devicePath)).toBe(device.ptsPath);
  });

  it("keeps a silently unplugged terminal open until replug, then releases it", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const firstPts = device.ptsPath!;

    await device.unplug("silent");
    expect(existsSync(fixture.devicePath)).toBe(false);
    expect(existsSync(firstPts)).toBe(true);

    await device.replug();
    expect(device.ptsPath).not.toBe(firstPts);
    expect(existsSync(firstPts)).toBe(false);
  });

  it("removes its link on close, and close is idempotent", async () => {
    fixture = await createPtyFixture();
    const device = fixture.device!;
    const pts = device.ptsPath!;

    await device.close();
    await device.close();

    expect(existsSync(fixture.devicePath)).toBe(false);
    expect(existsSync(pts)).toBe(false);
  });

  it("says how to install socat when it is missing", async () => {
    dir = await makeTempDir();
    const creating = VirtualSerialDevice.create({
      devicePath: join(dir.path, "gps"),
      socatPath: join(dir.path, "no-such-socat"),
    });

    await expect(creating).rejects.toMatchObject({ code: "SOCAT_NOT_FOUND" });
    await expect(creating).rejects.toThrow("socat not found: install it (apt-get install socat)");
  });

  it("refuses a path socat would read as address syntax", async () => {
    await expect(VirtualSerialDevice.create({ devicePath: "/tmp/gps,raw" })).rejects.toMatchObject({
      code: "BAD_DEVICE_PATH",
    });
  });
});
