import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CommonJS and ESM side by side; Pothos and Apollo load the CommonJS build, so our own code
// must get the same one or graphql refuses types "from another module or realm".
const fromServer = createRequire(new URL('./packages/server/package.json', import.meta.url));
const graphqlCjs = fromServer.resolve('graphql');

// Every test that touches data runs against a real PostgreSQL + PostGIS (TEST_DATABASE_URL or DATABASE_URL).
// Files run one after another: they share one seeded template database and a 2-core machine.
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'seeds/**/*.test.ts'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
