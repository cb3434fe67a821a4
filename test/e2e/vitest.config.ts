import { defineConfig } from "vitest/config";

/**
 * End-to-end suite: a real Kafka broker and moto, started once by the global setup on free loopback
 * ports; files run one after another (the machine has 2 cores and the servers are shared).
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    env: {
      POWERTOOLS_METRICS_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_DEV: "false",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "3",
    },
  },
});
