import { defineConfig } from 'vitest/config';

// Every test that touches data runs against a real PostgreSQL + PostGIS (TEST_DATABASE_URL or DATABASE_URL).
// Files run one after another: they share one seeded template database and a 2-core machine.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'seeds/**/*.test.ts'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    reporters: ['default'],
  },
});
