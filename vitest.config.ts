import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Some unit tests drive the CLI through real HTTP stand-ins (the Cloud one checks every exchange against the
      // OpenAPI documents); 30 s leaves room on a loaded 2-core machine, for hooks that start stand-ins too.
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // GitHub's workflow parser imports its JSON schema without an import attribute, which Node 20 refuses:
          // bundled by Vite instead of loaded by Node (test/unit/ci/pipelines.test.ts).
          server: { deps: { inline: ['@actions/workflow-parser'] } },
        },
      },
      // Online validate rules against a running dev stack (KCOPS_TEST_CONNECT_URL, KCOPS_TEST_CREDENTIALS_FILE); skipped without them.
      { test: { name: 'online', include: ['test/online/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      // Deployment engine against a running dev stack (KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_CREDENTIALS_FILE); skipped without them.
      {
        test: {
          name: 'engine-it',
          include: ['test/engine-it/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      // Day-2 commands against a running dev stack (KCOPS_TEST_CONNECT_URLS, _CREDENTIALS_FILE, _LOGS_DIR, _METRICS_URLS); skipped without them.
      {
        test: {
          name: 'ops-it',
          include: ['test/ops-it/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'integration',
          // Everything that needs a real stack: CI runs these against the one stack global-setup starts. The
          // online / engine-it / ops-it projects above run the same files against an already running `dev up`.
          include: [
            'test/integration/**/*.test.ts',
            'test/online/**/*.test.ts',
            'test/engine-it/**/*.test.ts',
            'test/ops-it/**/*.test.ts',
          ],
          environment: 'node',
          // One real stack for the whole suite: files run one after another in one fork.
          fileParallelism: false,
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
