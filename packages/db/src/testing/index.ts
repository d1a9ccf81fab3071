// Test helpers shared by the packages' tests: throwaway databases on the test server, or embedded copies.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openEmbedded, openPostgres, type Database, type RawDriver } from '../connection.ts';

/** Which database a test project runs the API against: a PostgreSQL server, or the embedded PGlite. */
export type TestProvider = 'postgres' | 'embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql://… of the test server's maintenance database. */
    adminUrl: string;
    /** Name of the migrated and seeded template database (project "postgres"). */
    templateDb: string;
    /** Folder of the migrated and seeded embedded database (project "pglite"). */
    embeddedTemplateDir: string;
    /** The project's database: the API tests run once per provider (vitest.config.ts). */
    provider: TestProvider;
  }
}

/** The provider of the running test project ("postgres" outside a provider project). */
export function testProvider(): TestProvider {
  return (inject('provider') as TestProvider | undefined) ?? 'postgres';
}

export function dbUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export type TestDatabase = Database & { url: string; name: string; drop(): Promise<void> };

let counter = 0;
/**
 * A new database for one test file: empty (nothing, not even PostGIS), or a copy of the seeded template.
 * Dropped by the returned `drop`.
 */
export async function freshDatabase(opts: { seeded?: boolean; poolSize?: number; onStatement?: (sql: string) => void; statementTimeoutMs?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `edugis_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}${opts.seeded ? ` TEMPLATE ${inject('templateDb')}` : ''}`);
  const url = dbUrl(adminUrl, name);
  const db = await openPostgres(url, { poolSize: opts.poolSize ?? 4, onStatement: opts.onStatement, statementTimeoutMs: opts.statementTimeoutMs });
  return Object.assign(db, {
    url,
    name,
    async drop() {
      await db.close().catch(() => {});
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

/** A copy of the seeded embedded template's folder (project "pglite"), for a server process to open. */
export function embeddedCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'edugis-pglite-'));
  cpSync(inject('embeddedTemplateDir'), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of the seeded embedded template (project "pglite"), in a temporary folder removed by `drop`. */
export async function freshEmbedded(opts: { onStatement?: (sql: string) => void } = {}): Promise<TestDatabase> {
  const { dir } = embeddedCopy();
  const db = await openEmbedded(dir, opts);
  return Object.assign(db, {
    url: `embedded:${dir}`,
    name: dir,
    async drop() {
      await db.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** A seeded database of the project's provider. */
export function freshSeeded(opts: { poolSize?: number; onStatement?: (sql: string) => void } = {}): Promise<TestDatabase> {
  return testProvider() === 'embedded' ? freshEmbedded(opts) : freshDatabase({ seeded: true, ...opts });
}

/**
 * On the embedded database the server's one connection runs as the application's role (asAppRole); test fixtures
 * (inserting a province, renaming a ward) are the owner's work: each runs in a transaction of its own that sets
 * the role back for that transaction only. A copy of the handle, so the server's own handle is untouched.
 */
export function withOwnerFixtures<T extends Database>(db: T): T {
  if (db.kind !== 'embedded' || !db.role) return db;
  const base = db.raw;
  const asOwner = <R>(fn: (tx: RawDriver) => Promise<R>) => base.transaction(async (tx) => {
    await tx.exec('SET LOCAL ROLE NONE');
    return fn(tx);
  });
  const raw: RawDriver = {
    exec: (sql) => asOwner((tx) => tx.exec(sql)),
    query: (sql, params) => asOwner((tx) => tx.query(sql, params)),
    transaction: (fn) => asOwner(fn),
  };
  return { ...db, raw };
}
