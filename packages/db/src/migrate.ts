// A small migration runner: applies migrations/NNNN_name.sql in order, each in its own transaction,
// and records name and checksum. An applied migration whose file changed is refused, not re-run.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawDriver } from './connection.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Applies pending migrations; returns the names applied now. Safe to call from two processes at once. */
export async function migrate(db: RawDriver, migrations = loadMigrations()): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS _edugis_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  return db.transaction(async (tx) => {
    // One runner at a time: a second server starting against the same database waits here.
    await tx.query('SELECT pg_advisory_xact_lock(727254)');
    await tx.exec('SET LOCAL statement_timeout = 0'); // a migration may rewrite a big table
    const done = new Map(
      (await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM _edugis_migrations')).map((r) => [r.name, r.checksum]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const seen = done.get(m.name);
      if (seen === m.checksum) continue;
      if (seen) throw new MigrationError(`Migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead.`);
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      await tx.query('INSERT INTO _edugis_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
      applied.push(m.name);
    }
    return applied;
  });
}
