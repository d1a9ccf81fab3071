// Runs once per test project before its files: insists on a real PostgreSQL + PostGIS, then builds the migrated
// and seeded template that test files copy. Project "postgres": a template database (CREATE DATABASE … TEMPLATE
// is a file copy: fast). Project "pglite": an embedded PostGIS folder, seeded once and copied per file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openEmbedded, openPostgres, type Database } from '../connection.ts';
import { migrate } from '../migrate.ts';
import { resolveDataDir, seed } from '../seed.ts';
import { ensureDemoAccounts } from '../accounts.ts';
import { adminQuery, dbUrl, type TestProvider } from './index.ts';

const HOW = `
EduGIS tests need a real PostgreSQL 15+ server with PostGIS 3 (never a mock).
Set TEST_DATABASE_URL (or DATABASE_URL) to a database on it whose user may create databases, e.g.

  TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm test

On Debian: apt-get install -y postgresql-15-postgis-3 (bash .ci/run does all of this on a fresh machine).
`;

async function load(db: Database) {
  try {
    await migrate(db.raw);
    await seed(db);
    await ensureDemoAccounts(db, { enabled: true }); // the tests sign in as the demo accounts
  } finally {
    await db.close();
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`No test database configured.${HOW}`);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Cannot reach the test database (${(err as Error).message}).${HOW}`);
  }
  const { rows } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'`);
  await client.end();
  if (rows.length === 0) throw new Error(`The test server has no PostGIS extension available.${HOW}`);

  // The tests check the seed against the real files (counts, codes, checksums): without them they would
  // only test the synthetic fallback, so say so plainly instead of failing dozens of assertions.
  if (!resolveDataDir()) {
    throw new Error('The tests need the real data directory: set EDUGIS_DATA_DIR, or keep shared/data beside the repository (../shared/data).');
  }
  const provider: TestProvider = project.name === 'pglite' ? 'embedded' : 'postgres';
  project.provide('adminUrl', url);
  if (provider === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'edugis-pglite-template-'));
    await load(await openEmbedded(dir));
    project.provide('embeddedTemplateDir', dir);
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  const templateDb = `edugis_test_template_${process.pid}`;
  await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${templateDb}`);
  await load(await openPostgres(dbUrl(url, templateDb)));
  project.provide('templateDb', templateDb);
  return async () => {
    await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  };
}
