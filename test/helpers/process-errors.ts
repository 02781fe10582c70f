/**
 * Collects unhandled rejections and uncaught exceptions while a test runs, so it can assert that
 * a device going away produced none.
 */
export interface ProcessErrorTrap {
  errors: unknown[];
  dispose(): void;
}

export function trapProcessErrors(): ProcessErrorTrap {
  const errors: unknown[] = [];
  const onError = (err: unknown) => {
    errors.push(err);
  };
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);

  return {
    errors,
    dispose() {
      process.off("unhandledRejection", onError);
      process.off("uncaughtException", onError);
    },
  };
}
