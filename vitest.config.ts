import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Serial and broker tests hold real ptys and ports; two cores do not gain from more workers.
    maxWorkers: 2,
    // The agent's JSON logs would bury the test report; tests that check logs capture them.
    env: { MUCK_LOG_LEVEL: process.env.MUCK_LOG_LEVEL ?? "silent" },
  },
});
