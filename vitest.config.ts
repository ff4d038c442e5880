import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files run side by side: every integration and browser file clones its own database and serves
 * its own app on a free port, so files share nothing but the run's PostgreSQL and dev-stand PKI. Two
 * workers more than the cores keep them busy while files wait for PostgreSQL or Chromium (4 on a
 * 2-core machine: a quiet `npm test` took 671 s against 738 s with 3, back to back on 2026-12-06);
 * TEST_WORKERS overrides it (TEST_WORKERS=1 runs one file at a time).
 *
 * A worker runs file after file in one process with the modules it already loaded (`isolate: false`):
 * loading the app's graph anew for every file cost about 2 s of CPU a file (the integration files
 * alone: 402 → 271 s of CPU, 206 → 140 s). Nothing a file changes outlives it: each builds its own
 * app, database and browser and closes them in afterAll, spies are restored after each test, and what
 * stays in memory is caches keyed by what they hold (certificates, compiled templates, axe's passed
 * states).
 */
const workers = Number(process.env.TEST_WORKERS) || Math.min(4, Math.max(2, os.availableParallelism() + 2));

/**
 * The file that takes a third of the run starts first, whatever vitest's cache says. The cache orders
 * files by their last duration, and a run of that file alone, or of part of it, records a shorter
 * one: the next `npm test` then started it 174 s late and ended 106 s later (699 s against 593 s).
 */
const LONG_POLES = ['test/e2e/every-page.test.ts'];

class LongPolesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONG_POLES.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONG_POLES.length : i;
    };
    // a stable sort: the others keep the order the cache gave them
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongPolesFirst },
    // the three projects share one pool of workers, the slowest files (known from the last run) first;
    // a worker serves one project at a time (files of one project share its loaded modules)
    maxWorkers: workers,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          isolate: false,
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
          isolate: false,
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
          isolate: false,
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
