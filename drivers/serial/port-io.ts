/**
 * The serialport calls the source needs, as promises that never reject: an outcome is an Error or
 * null. A device can fail at any moment, so every failure is data for the state machine, never an
 * exception that could escape as an unhandled rejection.
 */
import type { SerialPort } from "serialport";

export function openPort(port: SerialPort): Promise<Error | null> {
  return new Promise((resolve) => {
    port.open((err) => resolve(err ?? null));
  });
}

/** Closes the handle if it is open or closing; resolves once it is released. */
export function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (port.closing) {
      // A failed close reports itself as an `error` event, not as `close`.
      port.once("close", () => resolve());
      port.once("error", () => resolve());
      return;
    }
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}

/** Resolves once the bytes were handed to the OS, or with the error that stopped them. */
export function writePort(port: SerialPort, data: Buffer | string): Promise<Error | null> {
  return new Promise((resolve) => {
    // A write queued behind another when the port closes waits for a reopen of this handle that
    // never comes, and its callback with it.
    const onClose = () => resolve(new Error("port closed before the write completed"));
    port.once("close", onClose);

    port.write(data, (err) => {
      port.off("close", onClose);
      resolve(err ?? null);
    });
  });
}

/** The errno name on an Error from the OS (`EIO`, `ENXIO`), else null. */
export function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;

  return typeof code === "string" ? code : null;
}
