// Several server processes behind a load balancer, one database, one Redis: a sign-in limit counted by one process
// holds in the other, and a result published through one is in the other's next (cached) answer and map layer.
// Without Redis each process would count alone: that is shown too. PostgreSQL only: an embedded folder belongs
// to one process. Needs Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379; .ci/run starts it).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freshDatabase } from '@edugis/db/testing';
import { gql, onEmbedded } from './support.ts';
import { DH80, MANDATORY, pts, QT60 } from './workflow-support.ts';
import { spawnServer, type ServerProcess } from './spawn-server.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename ... on AuthError { code } ... on MutationLoginSuccess { data { token } } } }`;
const login = async (s: ServerProcess, u: string, p: string) => {
  const r = (await gql(s.url, LOGIN, { u, p })).body.data.login;
  return r.code ?? r.data?.token ?? r.__typename;
};

describe.skipIf(onEmbedded)('two server processes', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let a: ServerProcess;
  let b: ServerProcess;
  const prefix = `edugis-test-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect().catch((e: Error) => {
      throw new Error(`These tests need Redis at ${REDIS_URL} (${e.message}); bash .ci/run starts one, or set TEST_REDIS_URL.`);
    });
    await redis.quit();
    db = await freshDatabase({ seeded: true });
    const env = { DATABASE_URL: db.url, REDIS_URL, EDUGIS_REDIS_PREFIX: prefix };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await db?.drop();
  });

  it('say where their limits are kept', async () => {
    for (const s of [a, b]) expect(((await (await fetch(`${s.url}/healthz`)).json()) as { limits: string }).limits).toBe('redis');
  });

  it('count failed sign-ins together: 3 through one and 2 through the other block the 6th, wherever it goes', async () => {
    const codes = [await login(a, 'demo.quyhoach', 'w1'), await login(a, 'demo.quyhoach', 'w2'), await login(a, 'demo.quyhoach', 'w3'),
      await login(b, 'demo.quyhoach', 'w4'), await login(b, 'demo.quyhoach', 'w5')];
    expect(codes).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(await login(b, 'demo.quyhoach', 'edugis-demo')).toBe('RATE_LIMITED');
    expect(await login(a, 'demo.quyhoach', 'edugis-demo')).toBe('RATE_LIMITED');
  });

  it('without Redis, each process counts alone (what the shared store fixes)', async () => {
    const env = { DATABASE_URL: db.url, REDIS_URL: '' };
    const [c, d] = await Promise.all([spawnServer(env), spawnServer(env)]);
    try {
      for (let i = 0; i < 3; i++) expect(await login(c, 'demo.so', `w${i}`)).toBe('INVALID_CREDENTIALS');
      for (let i = 0; i < 2; i++) expect(await login(d, 'demo.so', `x${i}`)).toBe('INVALID_CREDENTIALS');
      expect(await login(d, 'demo.so', 'edugis-demo')).toMatch(/^[\w-]{40,}$/); // a token: 2 failures only, for this process
    } finally {
      await Promise.all([c.stop(), d.stop()]);
    }
  });

  it('see a result published through the other process in their next answer and map layer', async () => {
    // A school of the demo ward whose published 2025-2026 result is Mức 1: the ward corrects it to Mức 2 through A.
    const [row] = await db.raw.query<{ id: string; school_id: string; ward: string }>(`
      SELECT a.id, a.school_id, w.code AS ward FROM maturity_assessment a JOIN school s ON s.id = a.school_id JOIN admin_unit w ON w.id = s.ward_id
      JOIN app_user u ON u.username = 'demo.phuong' AND u.unit_id = w.id
      WHERE a.school_year = '2025-2026' AND a.status = 'PUBLISHED' AND a.overall_level = 'LEVEL_1' AND NOT s.levels && '{UPPER_SECONDARY,CONTINUING}' ORDER BY a.id LIMIT 1`);
    expect(row).toBeDefined();
    const Q = `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", unitCodes: ["${row!.ward}", "26743"]) { unit { code } digitalSchoolShare overall { level1 level2 } } }`;
    const digital = async (s: ServerProcess) => {
      const fc = (await (await fetch(`${s.url}/geo/schools.geojson?province=79`)).json()) as { features: { properties: { id: string; digital: boolean } }[] };
      return fc.features.find((f) => f.properties.id === row!.school_id)!.properties.digital;
    };
    const before = (await gql(b.url, Q)).body.data.maturityByUnit[0];
    expect(await digital(b)).toBe(false); // both now cached in B
    const ward = await login(a, 'demo.phuong', 'edugis-demo');
    const step = async (query: string, vars: Record<string, unknown>) => {
      const r = await gql(a.url, query, vars, 'en', ward);
      return Object.values(r.body.data as Record<string, { data?: { id: string; version: number }; code?: string }>)[0]!;
    };
    const corrected = await step(`mutation($id: ID!) { correctAssessment(id: $id, reason: "Đối chiếu lại") { ... on MutationCorrectAssessmentSuccess { data { id version } } ... on WorkflowError { code } } }`, { id: row!.id });
    // The seeded result has group scores only: every item's score is new, each with its reason.
    const reasons = [...Object.keys({ ...DH80, ...QT60 }), ...MANDATORY.map((m) => m.code)].map((code) => ({ code, reason: 'Chấm lại theo hồ sơ' }));
    const evaluated = await step(`mutation($id: ID!, $p: [MaturityPointAnswer!]!, $m: [MaturityMandatoryAnswer!]!, $r: [ScoreChangeReasonInput!]) {
      evaluateAssessment(id: $id, expectedVersion: 1, points: $p, mandatory: $m, reasons: $r) {
        ... on MutationEvaluateAssessmentSuccess { data { id version } } ... on WorkflowError { code message } } }`,
      { id: corrected.data!.id, p: pts({ ...DH80, ...QT60 }), m: MANDATORY, r: reasons });
    expect(evaluated.code).toBeUndefined();
    const pub = await step(`mutation($id: ID!, $v: Int!) { publishAssessment(id: $id, expectedVersion: $v) { ... on MutationPublishAssessmentSuccess { data { id version } } ... on WorkflowError { code } } }`,
      { id: evaluated.data!.id, v: evaluated.data!.version });
    expect(pub.data).toBeDefined();
    const after = (await gql(b.url, Q)).body.data.maturityByUnit[0];
    expect(after.overall.level1).toBe(before.overall.level1 - 1);
    expect(after.overall.level2).toBe(before.overall.level2 + 1);
    expect(after.digitalSchoolShare).toBeGreaterThan(before.digitalSchoolShare);
    expect(await digital(b)).toBe(true);
  });
});
