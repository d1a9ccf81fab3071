import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DatabaseConfigError, openPostgres, parseDatabaseUrl } from '../src/connection.ts';

describe('DATABASE_URL handling', () => {
  it('explains a malformed URL in one line', () => {
    expect(() => parseDatabaseUrl('not a url')).toThrow(DatabaseConfigError);
    expect(() => parseDatabaseUrl('mysql://x@h/db')).toThrow(/must start with postgresql:\/\//);
    expect(() => parseDatabaseUrl('postgresql://x@h')).toThrow(/names no database/);
  });

  it('names the unreachable host without the password or a stack trace', async () => {
    const err = await openPostgres('postgresql://u:secret@127.0.0.1:1/nope').catch((e: Error) => e);
    expect(err).toBeInstanceOf(DatabaseConfigError);
    expect((err as Error).message).toMatch(/^Cannot reach the database at 127\.0\.0\.1:1\/nope: /);
    expect((err as Error).message).not.toContain('secret');
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('connects to the real test server', async () => {
    const db = await openPostgres(inject('adminUrl'));
    const [r] = await db.raw.query<{ one: number }>('SELECT 1 AS one');
    expect(r!.one).toBe(1);
    await db.close();
  });
});
