// Test helpers shared by the packages' tests: throwaway databases on the test server.
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgres, type Database } from '../connection.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql://… of the test server's maintenance database. */
    adminUrl: string;
    /** Name of the migrated and seeded template database. */
    templateDb: string;
  }
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

let counter = 0;
/**
 * A new database for one test file: empty (nothing, not even PostGIS), or a copy of the seeded template.
 * Dropped by the returned `drop`.
 */
export async function freshDatabase(opts: { seeded?: boolean; poolSize?: number; onStatement?: (sql: string) => void } = {}): Promise<Database & { url: string; name: string; drop(): Promise<void> }> {
  const adminUrl = inject('adminUrl');
  const name = `edugis_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}${opts.seeded ? ` TEMPLATE ${inject('templateDb')}` : ''}`);
  const url = dbUrl(adminUrl, name);
  const db = await openPostgres(url, { poolSize: opts.poolSize ?? 4, onStatement: opts.onStatement });
  return Object.assign(db, {
    url,
    name,
    async drop() {
      await db.close().catch(() => {});
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}
