// The operators' commands, run as operators run them. `pnpm seed --reset` reloads the seed, and refuses (saying
// what would be lost, changing nothing) when the database holds what people entered, unless --discard-user-data
// is given. `pnpm account` creates the first administrator of a server that has no demo accounts.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@edugis/db/testing';
import { ensureDemoAccounts, seed, SeedDataError, tableCounts, userData, verifyPassword } from '../src/index.ts';

const run = promisify(execFile);
const DB_DIR = resolve(import.meta.dirname, '..');
let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  db = await freshDatabase({ seeded: true });
});
afterAll(() => db?.drop());

async function cli(...args: string[]) {
  return cliWith({}, ...args);
}
async function cliWith(env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: DB_DIR, env: { ...process.env, DATABASE_URL: db.url, ...env } })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));
}

describe('pnpm seed --reset', () => {
  it('reloads a database that holds only seeded data (demo accounts go with it and come back once wanted)', async () => {
    const before = await tableCounts(db);
    const r = await cli('seed', '--reset');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await tableCounts(db)).toEqual(before);
    expect(await db.raw.query('SELECT username FROM app_user')).toEqual([]);
    expect(await ensureDemoAccounts(db, { enabled: true })).toHaveLength(6);
  }, 180_000);

  it('refuses when people entered data, listing what would be lost, and changes nothing', async () => {
    const school = (await db.raw.query<{ id: string; ward: string }>(`SELECT id, ward_id AS ward FROM school ORDER BY id LIMIT 1`))[0]!;
    await db.raw.exec(`
      INSERT INTO app_user (id, username, display_name, role, password_hash) VALUES ('u-real', 'real.person', 'Real', 'PLANNER', 'x');
      INSERT INTO maturity_assessment (id, school_id, school_year, index_version, status, group1_score, group2_score, group1_level, group2_level, overall_level, is_synthetic, source_id)
        VALUES ('ma-real', '${school.id}', '2026-2027', '4725/2022', 'SELF_ASSESSED', 50, 50, 'LEVEL_2', 'LEVEL_2', 'LEVEL_2', false, 'edugis-synthetic');
      INSERT INTO assessment_audit (assessment_id, actor_id, actor_role, action, to_status, version) VALUES ('ma-real', 'u-real', 'PLANNER', 'saveSelfAssessment', 'SELF_ASSESSED', 1);
      INSERT INTO ward_demand (ward_id, level, school_year, children, source) VALUES ('${school.ward}', 'PRIMARY', '2026-2027', 900, 'test');`);
    const before = await tableCounts(db);
    const held = await userData(db);
    expect(held).toMatchObject({ assessments: 1, auditEntries: 1, accounts: 1, demand: 1 });
    const r = await cli('seed', '--reset');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: pnpm seed --reset would delete what people entered: 1 assessment result\(s\) entered in EduGIS, 1 audit log entries, 1 account\(s\)/);
    expect(r.stderr).toMatch(/--discard-user-data/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
    expect(await tableCounts(db)).toEqual(before);
    expect(await userData(db)).toEqual(held);
    await expect(seed(db, { reset: true })).rejects.toBeInstanceOf(SeedDataError);
  });

  it('with --discard-user-data, reloads and deletes it', async () => {
    const r = await cli('seed', '--reset', '--discard-user-data');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--discard-user-data: deleting 1 assessment result/);
    expect(await userData(db)).toEqual({ assessments: 0, auditEntries: 0, accounts: 0, demand: 0, reports: 0, imports: 0 });
    expect((await tableCounts(db)).school).toBeGreaterThan(2000);
  }, 180_000);
});

describe('pnpm account', () => {
  it('creates an administrator with a password shown once (only its hash kept), and refuses a second of the same name', async () => {
    const r = await cli('account', 'quantri.so', 'ADMIN', '--name', 'Quản trị Sở GDĐT');
    expect(r.code).toBe(0);
    const password = /password: (\S+)/.exec(r.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const [u] = await db.raw.query<{ role: string; display_name: string; password_hash: string; is_demo: boolean }>(
      `SELECT role, display_name, password_hash, is_demo FROM app_user WHERE username = 'quantri.so'`);
    expect(u).toMatchObject({ role: 'ADMIN', display_name: 'Quản trị Sở GDĐT', is_demo: false });
    expect(await verifyPassword(u!.password_hash, password)).toBe(true);
    const again = await cli('account', 'quantri.so', 'ADMIN');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: an account named quantri.so exists already\n');
  });

  it('takes a chosen password, and explains what is missing for a school or ward account, in one line', async () => {
    expect((await cliWith({ EDUGIS_NEW_PASSWORD: 'a-long-chosen-password' }, 'account', 'ke.hoach', 'PLANNER')).stdout).toMatch(/created ke\.hoach \(PLANNER\)\n/);
    for (const [args, re] of [[['account', 'x.y', 'WARD_STAFF'], /needs --unit/], [['account', 'x.y', 'WIZARD'], /role must be one of/],
      [['account', 'X Y', 'ADMIN'], /usage: pnpm account/], [['account', 'x.y', 'WARD_STAFF', '--unit', 'nope'], /no such school or unit/]] as const) {
      const r = await cli(...args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect((await cliWith({ EDUGIS_NEW_PASSWORD: 'short' }, 'account', 'a.b', 'ADMIN')).stderr).toMatch(/at least 12 characters/);
  });
});
