// Golden operations: the number of SQL statements a query issues must not grow with the page size.
// A regression to one query per school (N+1) fails here loudly.
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const statements: string[] = [];
const server = useTestServer({ onStatement: (s) => statements.push(s) });

async function countStatements(query: string, variables: Record<string, unknown>) {
  statements.length = 0;
  const { body } = await gql(server.url, query, variables);
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
});
