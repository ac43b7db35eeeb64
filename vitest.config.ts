import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; integration and e2e tests start real servers (etcd, Docker)
// and get longer timeouts. Two workers match the two-core machines we run on.
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'services/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
