import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CommonJS and ESM side by side; Pothos and Apollo load the CommonJS build, so our own code
// must get the same one or graphql refuses types "from another module or realm".
const fromServer = createRequire(new URL('./packages/server/package.json', import.meta.url));
const graphqlCjs = fromServer.resolve('graphql');

// Every test that touches data runs against a real PostgreSQL + PostGIS (TEST_DATABASE_URL or DATABASE_URL).
// The API tests run twice, the same files once per database the product supports (as Keystone's api-tests do):
// project "postgres" on a PostgreSQL server, project "pglite" on the embedded PostGIS that `pnpm start` runs by
// default. Files run one after another: they share one seeded template and a 2-core machine.
const API_TESTS = ['packages/server/test/**/*.test.ts'];
// What is not the API over a database: the Dockerfile check, the embedded first-start test (PGlite already),
// and the map/dashboard browser tests (their data comes from the same API tested above). The assessment
// browser test runs on both: the embedded workflow is what broke in the browser.
const NOT_PER_PROVIDER = [
  'packages/server/test/docker.test.ts', 'packages/server/test/embedded.test.ts', 'packages/server/test/browser.test.ts',
  'packages/server/test/parents-browser.test.ts', 'packages/server/test/dashboard-browser.test.ts', 'packages/server/test/data-browser.test.ts',
];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'seeds/**/*.test.ts'],
          provide: { provider: 'postgres' },
        },
      },
      {
        extends: true,
        test: { name: 'pglite', include: API_TESTS, exclude: NOT_PER_PROVIDER, provide: { provider: 'embedded' } },
      },
    ],
  },
});
