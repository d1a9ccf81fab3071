// Golden operations: the number of SQL statements a query issues must not grow with the page size.
// A regression to one query per school (N+1) fails here loudly.
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const statements: string[] = [];
const server = useTestServer({ onStatement: (s) => statements.push(s) });

async function countStatements(query: string, variables: Record<string, unknown>, token?: string) {
  statements.length = 0;
  const { body } = await gql(server.url, query, variables, 'vi', token);
  expect(body.errors).toBeUndefined();
  if (process.env.EDUGIS_SHOW_SQL) console.log(statements.join('\n---\n'));
  return { n: statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(s.trim())).length, body };
}

const SCHOOL_PAGE = `query($first: Int) {
  schools(first: $first, level: PRIMARY) {
    totalCount
    edges { node { id name levels ward { code fullName parent { code } } source { licence }
                   location { longitude latitude } maturityResults { schoolYear overallLevel } } }
  }
}`;

describe('no N+1', () => {
  it('a page of schools with ward, source, location and results costs the same number of statements for 5 or 100 schools', async () => {
    const small = await countStatements(SCHOOL_PAGE, { first: 5 });
    const large = await countStatements(SCHOOL_PAGE, { first: 100 });
    expect(large.body.data.schools.edges).toHaveLength(100);
    expect(small.n).toBeGreaterThanOrEqual(3); // the counter sees the page, the count and the batched location
    expect(large.n).toBe(small.n);
    expect(large.n).toBeLessThanOrEqual(8);
  });

  it('a bbox page with its totalCount runs the spatial filter once, not once per field', async () => {
    const { body } = await countStatements(`{ schools(first: 5, bbox: [106.69, 10.77, 106.71, 10.79]) { totalCount edges { node { id } } } }`, {});
    expect(body.data.schools.totalCount).toBeGreaterThan(5);
    expect(statements.filter((s) => s.includes('ST_Intersects')).length).toBe(1);
  });

  it('the wards list with school counts is a fixed number of statements', async () => {
    const { n, body } = await countStatements(`{ wards { code schoolCount predecessors { mergeType oldUnit { fullName } } } }`, {});
    expect(body.data.wards).toHaveLength(168);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(5);
  });

  it('a review queue with schools, wards, deadlines, allowed steps and audit logs is a fixed number of statements', async () => {
    // 40 submitted results for 2026-2027, each with one audit entry, in front of the admin (who sees every queue).
    await server.ctx.db.raw.exec(`
      INSERT INTO maturity_assessment (id, school_id, school_year, index_version, status, group1_score, group2_score, group1_level, group2_level,
                                       overall_level, is_synthetic, source_id, managing_unit_id, submitted_at, version)
      SELECT 'q-' || s.id, s.id, '2026-2027', '4725/2022', 'SUBMITTED', 60, 55, 'LEVEL_2', 'LEVEL_2', 'LEVEL_2', true, 'edugis-synthetic', s.ward_id,
             now() - (row_number() OVER (ORDER BY s.id)) * interval '1 hour', 3
      FROM (SELECT id, ward_id FROM school WHERE levels = '{PRIMARY}' ORDER BY id LIMIT 40) s;
      INSERT INTO assessment_audit (assessment_id, actor_id, actor_role, action, from_status, to_status, version)
      SELECT id, 'demo-admin', 'ADMIN', 'submit', 'APPROVED', 'SUBMITTED', 3 FROM maturity_assessment WHERE id LIKE 'q-%';`);
    const login = await gql(server.url, `mutation { login(username: "demo.quantri", password: "edugis-demo") { ... on MutationLoginSuccess { data { token } } } }`);
    const token = login.body.data.login.data.token as string;
    const Q = `query($first: Int) { reviewQueue(first: $first) { totalCount edges { node { id status version submittedLate allowedActions
      school { name ward { fullName } } deadlines { submitBy } auditLog { actorName action } } } } }`;
    const small = await countStatements(Q, { first: 5 }, token);
    const large = await countStatements(Q, { first: 40 }, token);
    expect(large.body.data.reviewQueue.edges).toHaveLength(40);
    expect(large.body.data.reviewQueue.edges[0].node.auditLog).toEqual([{ actorName: 'Quản trị hệ thống (demo)', action: 'submit' }]);
    expect(large.n).toBe(small.n);
    expect(large.n).toBeLessThanOrEqual(12);
  });
});
