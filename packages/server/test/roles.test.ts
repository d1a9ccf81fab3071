// The application's requests run as role edugis_app (migration 0012), which cannot truncate, delete results or
// rewrite the audit log; the triggers refuse the same to the owner. The whole API suite runs as this role, so a
// missing grant fails there. On PostgreSQL and PGlite.
import { describe, expect, it } from 'vitest';
import { APP_ROLE } from '@edugis/db';
import { useTestServer } from './support.ts';

const server = useTestServer();
/** Runs one statement as the application's role, in a transaction of its own (rolled back on error). */
const asApp = (sql: string) => server.ctx.db.raw.transaction(async (tx) => {
  await tx.exec(`SET LOCAL ROLE ${APP_ROLE}`);
  return tx.query(sql);
});
const asOwner = (sql: string) => server.ctx.db.raw.query(sql);
const published = async () => (await asOwner(`SELECT a.id FROM maturity_assessment a WHERE a.status = 'PUBLISHED'
  AND NOT EXISTS (SELECT 1 FROM assessment_audit x WHERE x.assessment_id = a.id) ORDER BY a.id LIMIT 1`))[0]!.id as string;

describe('database roles', () => {
  it('serves every request as the application\'s role', async () => {
    const h = (await (await fetch(`${server.url}/healthz`)).json()) as { database: { role: string } };
    expect(h.database.role).toBe(APP_ROLE);
  });

  it('the application\'s role cannot TRUNCATE, DELETE results or touch the audit log, nor write what triggers keep', async () => {
    const id = await published();
    const refused: [string, RegExp][] = [
      ['TRUNCATE assessment_audit', /permission denied/],
      ['TRUNCATE maturity_assessment CASCADE', /permission denied/],
      ['TRUNCATE school CASCADE', /permission denied/],
      [`DELETE FROM maturity_assessment WHERE id = '${id}'`, /permission denied/],
      ['DELETE FROM maturity_assessment', /permission denied/],
      ['DELETE FROM assessment_audit', /permission denied/],
      [`UPDATE assessment_audit SET comment = 'x'`, /permission denied/],
      [`DELETE FROM published_result`, /permission denied/],
      [`UPDATE published_result SET group1_score = 100`, /permission denied/],
      [`UPDATE analytics_state SET generation = 0`, /permission denied/],
      [`DELETE FROM school`, /permission denied/],
      [`DROP TABLE ward_demand`, /must be owner|permission denied/],
    ];
    for (const [sql, re] of refused) await expect(asApp(sql), sql).rejects.toThrow(re);
    expect((await asOwner(`SELECT count(*)::int n FROM maturity_assessment WHERE id = '${id}'`))[0]).toEqual({ n: 1 });
  });

  it('the triggers refuse the owner too: no published result deleted, neither the audit log nor the results truncated', async () => {
    const id = await published();
    await expect(asOwner(`DELETE FROM maturity_assessment WHERE id = '${id}'`)).rejects.toThrow(/never deleted/);
    await expect(asOwner('TRUNCATE assessment_audit')).rejects.toThrow(/never truncated/);
    await expect(asOwner('TRUNCATE maturity_assessment CASCADE')).rejects.toThrow(/never truncated/);
    await expect(asOwner(`UPDATE maturity_assessment SET group1_score = 1 WHERE id = '${id}'`)).rejects.toThrow(/immutable/);
  });
});
