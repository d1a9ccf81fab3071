import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@edugis/db/testing';
import { MigrationError, loadMigrations, migrate } from '../src/migrate.ts';

describe('migration runner', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db.drop());

  it('applies every migration once, then has nothing to do', async () => {
    const all = loadMigrations().map((m) => m.name);
    expect(all[0]).toBe('0001_init.sql');
    expect(await migrate(db.raw)).toEqual(all);
    expect(await migrate(db.raw)).toEqual([]);
    const rows = await db.raw.query<{ name: string }>('SELECT name FROM _edugis_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(all);
  });

  it('enables PostGIS, unaccent and pg_trgm, and they work', async () => {
    const [r] = await db.raw.query<{ v: string; plain: string; sim: number; d: number }>(
      `SELECT postgis_lib_version() AS v, unaccent('Trường Tiểu học Nguyễn Du') AS plain,
              similarity('nguyen du', 'nguyễn dư') AS sim,
              ST_Distance('SRID=4326;POINT(106.7 10.78)'::geography, 'SRID=4326;POINT(106.71 10.78)'::geography) AS d`,
    );
    expect(r!.v).toMatch(/^3\./);
    expect(r!.plain).toBe('Truong Tieu hoc Nguyen Du');
    expect(r!.sim).toBeGreaterThan(0.3);
    expect(r!.d).toBeGreaterThan(1090); // 0.01° of longitude at 10.78°N ≈ 1,094 m
    expect(r!.d).toBeLessThan(1100);
  });

  it('refuses an applied migration whose file changed', async () => {
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'different' } : m));
    await expect(migrate(db.raw, changed)).rejects.toThrow(/0001_init\.sql was changed after it was applied/);
  });

  it('rolls a failing migration back whole, leaving nothing half-written', async () => {
    const broken = [
      ...loadMigrations(),
      { name: '9998_ok.sql', sql: 'CREATE TABLE half_written (id int);', checksum: 'a' },
      { name: '9999_bad.sql', sql: 'CREATE TABLE also_not (id int); SELECT no_such_function();', checksum: 'b' },
    ];
    await expect(migrate(db.raw, broken)).rejects.toThrow(MigrationError);
    await expect(migrate(db.raw, broken)).rejects.toThrow(/9999_bad\.sql failed/);
    const tables = await db.raw.query(`SELECT 1 FROM pg_tables WHERE tablename IN ('half_written', 'also_not')`);
    expect(tables).toHaveLength(0);
    const names = await db.raw.query<{ name: string }>(`SELECT name FROM _edugis_migrations WHERE name LIKE '99%'`);
    expect(names).toHaveLength(0);
  });
});
