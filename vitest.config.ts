import { defineConfig } from 'vitest/config';

// Two projects: unit tests sit beside the code (`npm run test:unit`); integration and e2e tests
// under test/ start real servers (etcd, Docker). `vitest run` runs both. Two workers match the
// two-core machines we run on. The global setup gives the run its own cache home for the CLI and
// fails the run if anything wrote into the user's (test/harness/user-cache-guard.ts).
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    globalSetup: ['test/harness/user-cache-guard.ts'],
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['lib/**/*.test.ts', 'services/**/*.test.ts', 'cli/**/*.test.ts', 'deploy/**/*.test.ts', 'bench/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
    ],
  },
});
