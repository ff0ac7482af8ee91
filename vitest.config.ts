// Test runner configuration: one embedded PostgreSQL for the whole run (test/global-setup.ts),
// each test file gets its own fresh database from it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // @glasskey/verifier resolves to its TypeScript sources through tsconfig.json's paths (its
  // package exports name the compiled dist/, which only npm pack builds).
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
