// Shared by the benchmark scripts: a throwaway, migrated and seeded database on BENCH_DATABASE_URL's server.
import { migrate, openPostgres, seed, type Database } from '@edugis/db';

export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL;
if (!BENCH_ADMIN_URL) {
  console.error('Set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server whose user may create databases.');
  process.exit(1);
}

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** Creates, migrates and seeds `edugis_bench_<label>_<pid>`; `drop()` removes it. */
export async function benchDatabase(label: string, opts: { national?: boolean; poolSize?: number } = {}): Promise<{ db: Database; url: string; seconds: number; drop(): Promise<void> }> {
  const name = `edugis_bench_${label}_${process.pid}`;
  const root = await openPostgres(BENCH_ADMIN_URL!, { poolSize: 1 });
  await root.raw.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await root.raw.exec(`CREATE DATABASE ${name}`);
  const u = new URL(BENCH_ADMIN_URL!);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { poolSize: opts.poolSize });
  await migrate(db.raw);
  const t0 = Date.now();
  await seed(db, { national: opts.national });
  return {
    db,
    url: u.toString(),
    seconds: (Date.now() - t0) / 1000,
    async drop() {
      await db.close();
      await root.raw.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await root.close();
    },
  };
}
