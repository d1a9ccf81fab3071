// Runs once before all tests: insists on a real PostgreSQL + PostGIS, then builds a migrated and seeded
// template database that test files copy (CREATE DATABASE … TEMPLATE is a file copy: fast).
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../connection.ts';
import { migrate } from '../migrate.ts';
import { resolveDataDir, seed } from '../seed.ts';
import { ensureDemoAccounts } from '../accounts.ts';
import { adminQuery, dbUrl } from './index.ts';

const HOW = `
EduGIS tests need a real PostgreSQL 15+ server with PostGIS 3 (never a mock).
Set TEST_DATABASE_URL (or DATABASE_URL) to a database on it whose user may create databases, e.g.

  TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm test

On Debian: apt-get install -y postgresql-15-postgis-3 (bash .ci/run does all of this on a fresh machine).
`;

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
  const templateDb = `edugis_test_template_${process.pid}`;
  await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  await adminQuery(url, `CREATE DATABASE ${templateDb}`);
  const db = await openPostgres(dbUrl(url, templateDb));
  try {
    await migrate(db.raw);
    await seed(db);
    await ensureDemoAccounts(db);
  } finally {
    await db.close();
  }
  project.provide('adminUrl', url);
  project.provide('templateDb', templateDb);
  return async () => {
    await adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  };
}
