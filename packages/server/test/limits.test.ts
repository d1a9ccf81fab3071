// What one client may ask: the cost of an operation is checked before any of its SQL runs; aliases, directives,
// depth and fragment cycles have limits; each client has a budget per minute (production figures here, per
// address behind a trusted proxy); a statement past its timeout answers TIMEOUT; a client that leaves stops its
// work. On PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '@edugis/db';
import { freshDatabase } from '@edugis/db/testing';
import { parse } from 'graphql';
import { BUDGETS, MAX_ALIASES, operationCost } from '../src/cost.ts';
import { schema } from '../src/schema/index.ts';
import { gql, onEmbedded, useTestServer } from './support.ts';
import { answers, DH80, SAVE, workflowClient } from './workflow-support.ts';
import { spawnServer, type ServerProcess } from './spawn-server.ts';

const statements: string[] = [];
const server = useTestServer({ onStatement: (s) => statements.push(s), server: { budgets: BUDGETS, env: { ...process.env, EDUGIS_TRUST_PROXY: 'loopback' } } });
const { signIn, call } = workflowClient(server);

/** A request from a client address of its own (the server trusts the loopback proxy's X-Forwarded-For). */
async function from(address: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}
const aliases = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const COVERAGE = 'coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { unit { code } coveredShare }';

describe('the cost of one request', () => {
  it('refuses 20 aliases of coverage with COST_LIMIT, translated, before any SQL runs', async () => {
    statements.length = 0;
    const r = await from('10.0.0.1', aliases(20, COVERAGE));
    expect(r.status).toBe(400);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'COST_LIMIT', max: BUDGETS.anonymous.perRequest });
    expect(r.body.errors![0]!.message).toMatch(/too expensive for one request \(cost \d+, at most 10000\)/);
    expect(statements).toEqual([]);
    const vi = await gql(server.url, aliases(20, COVERAGE), {}, 'vi');
    expect(vi.body.errors![0]!.message).toMatch(/Truy vấn quá nặng/);
    // One coverage is fine.
    const one = await from('10.0.0.1', `{ ${COVERAGE} }`);
    expect(one.body.data.coverage).toHaveLength(168);
  });

  it('refuses more aliases than allowed and a fragment cycle as client errors, never a 500', async () => {
    const many = await from('10.0.0.2', aliases(MAX_ALIASES + 1, 'currentSchoolYear'));
    expect(many.status).toBe(400);
    expect(many.body.errors![0]!.message).toMatch(/too many aliases \(at most 30\)/);
    const cycle = await from('10.0.0.2', `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`);
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const deep = await from('10.0.0.2', `{ wards { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.body.errors![0]!.extensions).toMatchObject({ code: 'COST_LIMIT', reason: 'tooDeep' });
  });

  it('measures the operation that runs, not the first one of the document', async () => {
    const doc = `query Cheap { currentSchoolYear } query Heavy ${aliases(15, COVERAGE)}`;
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.0.3' },
      body: JSON.stringify({ query: doc, operationName: 'Heavy' }),
    });
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('COST_LIMIT');
  });

  it('prices a large page by its size: 200 schools with their results fit, nested lists of them do not', async () => {
    const page = await from('10.0.0.4', `{ schools(first: 200) { edges { node { id name maturityResults { schoolYear overallLevel } } } } }`);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data.schools.edges).toHaveLength(200);
    // Each school's zones, with their shapes, and its percentile among its peers: 200 times over is too much at once.
    const nested = await from('10.0.0.4', `{ schools(first: 200) { edges { node { id zones { entryGrade geometry school { name } }
      peerBenchmark(schoolYear: "2025-2026") { group1Percentile peerCount } } } } }`);
    expect(nested.body.errors![0]!.extensions!.code).toBe('COST_LIMIT');
  });
});

describe('the budget per minute', () => {
  it('refuses a client that spent its budget with RATE_LIMITED and Retry-After, and not another client', async () => {
    const heavy = aliases(8, COVERAGE); // about a tenth of the 100,000 an address has a minute
    const cost = operationCost(schema, parse(heavy), null, {}, {}).complexity;
    const allowed = Math.floor(BUDGETS.anonymous.perMinute / cost);
    const codes: string[] = [];
    let refusal: Awaited<ReturnType<typeof from>> | null = null;
    for (let i = 0; i < allowed + 3 && !refusal; i++) {
      const r = await from('10.1.0.1', heavy);
      codes.push(r.body.errors?.[0]?.extensions?.code ?? 'OK');
      if (r.status === 429) refusal = r;
    }
    expect(allowed).toBeGreaterThan(5);
    expect(codes).toEqual([...Array(allowed).fill('OK'), 'RATE_LIMITED']);
    expect(refusal!.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'costBudget' });
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refusal!.body.errors![0]!.message).toMatch(/used up the query budget per minute \(100000 cost points\)/);
    // Another address, and the same address signed in, have budgets of their own.
    expect((await from('10.1.0.2', heavy)).body.errors).toBeUndefined();
    const login = await from('10.1.0.3', `mutation { login(username: "demo.quyhoach", password: "edugis-demo") { ... on MutationLoginSuccess { data { token } } } }`);
    const token = login.body.data.login.data.token as string;
    expect((await from('10.1.0.1', heavy, {}, token)).body.errors).toBeUndefined();
  });
});

describe.skipIf(onEmbedded)('timeouts and clients that leave (PostgreSQL: PGlite has one connection and no statement timeout)', () => {
  let copy: Awaited<ReturnType<typeof freshDatabase>>;
  let quick: ServerProcess;
  beforeAll(async () => {
    copy = await freshDatabase({ seeded: true });
    quick = await spawnServer({ DATABASE_URL: copy.url, EDUGIS_ANALYTICS_TIMEOUT_MS: '20' });
  });
  afterAll(async () => {
    await quick?.stop();
    await copy?.drop();
  });

  it('answers a statement past its timeout with TIMEOUT, translated, and keeps serving', async () => {
    const r = await gql(quick.url, `{ coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 3000, withGeometry: true) { coveredShare } }`, {}, 'en');
    expect(r.status).toBeLessThan(500);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: 'TIMEOUT' });
    expect(r.body.errors![0]!.message).toMatch(/ran too long and was stopped/);
    expect((await fetch(`${quick.url}/readyz`)).status).toBe(200);
    expect((await gql(quick.url, '{ currentSchoolYear }')).body.data.currentSchoolYear).toMatch(/^\d{4}-\d{4}$/);
  });
  it('stops the work of a client that went away: a save waiting on a lock is not written once the client left', async () => {
    const staff = await signIn('demo.canbo');
    const school = (await gql(server.url, '{ me { school { id } } }', {}, 'en', staff)).body.data.me.school.id as string;
    const first = await call(staff, SAVE, { s: school, y: '2026-2027', v: null, a: answers(DH80) });
    const id = first.data!.id as string;
    // Someone else holds the assessment's row: the save waits on its lock.
    const other = await openPostgres(server.ctx.db.url, { poolSize: 1 });
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    let locked!: () => void;
    const isLocked = new Promise<void>((ok) => (locked = ok));
    const holding = other.raw.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM maturity_assessment WHERE id = $1 FOR UPDATE', [id]);
      locked();
      await held;
    });
    await isLocked;
    const gone = new AbortController();
    const pending = fetch(`${server.url}/graphql`, {
      method: 'POST', signal: gone.signal, headers: { 'content-type': 'application/json', authorization: `Bearer ${staff}` },
      body: JSON.stringify({ query: SAVE, variables: { s: school, y: '2026-2027', v: 1, a: answers({ ...DH80, '1.4': 3 }) } }),
    }).catch((e: Error) => e);
    await new Promise((ok) => setTimeout(ok, 400));
    gone.abort();
    expect(await pending).toBeInstanceOf(Error);
    await new Promise((ok) => setTimeout(ok, 200));
    release();
    await holding;
    await other.close();
    await new Promise((ok) => setTimeout(ok, 500));
    const [row] = await server.ctx.db.raw.query<{ version: number }>('SELECT version FROM maturity_assessment WHERE id = $1', [id]);
    expect(row!.version).toBe(1);
    // The server is fine, and the same save from a client that stays is written.
    const again = await call(staff, SAVE, { s: school, y: '2026-2027', v: 1, a: answers({ ...DH80, '1.4': 3 }) });
    expect(again.data!.version).toBe(2);
  });
});
