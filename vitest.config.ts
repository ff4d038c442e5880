import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files run side by side: every integration and browser file clones its own database and serves
 * its own app on a free port, so files share nothing but the run's PostgreSQL and dev-stand PKI. One
 * worker more than the cores keeps them busy while a file waits for PostgreSQL or Chromium (3 on a
 * 2-core machine); TEST_WORKERS overrides it (TEST_WORKERS=1 runs one file at a time).
 */
const workers = Number(process.env.TEST_WORKERS) || Math.min(4, Math.max(2, os.availableParallelism() + 1));

export default defineConfig({
  test: {
    // the three projects share one pool of workers, the slowest files (known from the last run) first
    maxWorkers: workers,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // a bound for a hung test only: a loaded machine makes keys and PDFs several times slower
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          // a journey signs a dozen steps: on a loaded machine it may take minutes; every wait inside
          // is for a state (a page, a dialog), with its own bound, so this only stops a hung browser
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
