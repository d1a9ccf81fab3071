// API keys: administrators issue, list and revoke them; only a hash is kept; a key carries its own cost limit,
// budget and daily quota; its use is counted per day; a revoked or made-up key is refused. On PostgreSQL and PGlite.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS } from '../src/cost.ts';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer({ server: { budgets: BUDGETS } });
const { signIn } = workflowClient(server);
const CREATE = `mutation($n: String!, $r: Int, $m: Int, $d: Int) { createApiKey(name: $n, perRequest: $r, perMinute: $m, requestsPerDay: $d) {
  key apiKey { id name prefix perRequest perMinute requestsPerDay createdBy revokedAt } } }`;
const LIST = `{ apiKeys { id name prefix revokedAt lastUsedAt usage { day requests cost refused } } }`;
const HEAVY = `{ ${Array.from({ length: 12 }, (_, i) => `a${i}: coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { coveredShare }`).join(' ')} }`;

async function withKey(key: string, query: string, header: 'x-api-key' | 'authorization' = 'x-api-key') {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...(header === 'x-api-key' ? { 'x-api-key': key } : { authorization: `ApiKey ${key}` }) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

let admin: string;
beforeAll(async () => {
  admin = await signIn('demo.quantri');
});

describe('API keys', () => {
  it('are issued by administrators only, shown once, and stored as a hash', async () => {
    for (const [token, code] of [[undefined, 'UNAUTHENTICATED'], [await signIn('demo.quyhoach'), 'FORBIDDEN']] as const) {
      const r = await gql(server.url, CREATE, { n: 'x' }, 'en', token);
      expect(r.body.errors![0]!.extensions!.code).toBe(code);
      expect((await gql(server.url, LIST, {}, 'en', token)).body.errors![0]!.extensions!.code).toBe(code);
    }
    const r = await gql(server.url, CREATE, { n: 'Phòng Kế hoạch – Sở GDĐT' }, 'en', admin);
    const { key, apiKey } = r.body.data.createApiKey;
    expect(key).toMatch(/^edg_[\w-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'Phòng Kế hoạch – Sở GDĐT', prefix: key.slice(0, 10), perRequest: 50_000, requestsPerDay: 100_000, createdBy: expect.any(String), revokedAt: null });
    const stored = await server.ctx.db.raw.query<{ key_hash: string }>('SELECT key_hash FROM api_key WHERE id = $1', [apiKey.id]);
    expect(stored).toEqual([{ key_hash: createHash('sha256').update(key).digest('hex') }]);
    expect(JSON.stringify((await gql(server.url, LIST, {}, 'en', admin)).body)).not.toContain(key);
  });

  it('refuse bad names and limits, translated, creating nothing', async () => {
    const before = await server.ctx.db.raw.query('SELECT id FROM api_key');
    for (const [vars, re] of [[{ n: '  ' }, /Give the key a name/], [{ n: 'x', r: 0 }, /perRequest must be a whole number from 1/], [{ n: 'x', d: 10 ** 9 }, /requestsPerDay/]] as const) {
      const r = await gql(server.url, CREATE, vars, 'en', admin);
      expect(r.body.errors![0]!.message).toMatch(re);
      expect(r.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
    expect(await server.ctx.db.raw.query('SELECT id FROM api_key')).toEqual(before);
  });

  it('give a program its own limits: a query too heavy for an address passes with a key, and its use is counted', async () => {
    const anonymous = await gql(server.url, HEAVY);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('COST_LIMIT');
    const { key, apiKey } = (await gql(server.url, CREATE, { n: 'Kế hoạch', r: 20_000 }, 'en', admin)).body.data.createApiKey;
    const r = await withKey(key, HEAVY);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.a0).toHaveLength(168);
    expect((await withKey(key, '{ currentSchoolYear }', 'authorization')).body.data.currentSchoolYear).toMatch(/^\d{4}-\d{4}$/);
    const listed = (await gql(server.url, LIST, {}, 'en', admin)).body.data.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
    expect(listed.usage).toHaveLength(1);
    expect(listed.usage[0]).toMatchObject({ day: new Date().toISOString().slice(0, 10), requests: 2, refused: 0 });
    expect(listed.usage[0].cost).toBeGreaterThan(10_000);
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it('enforce the daily quota of a key, and count the refusals', async () => {
    const { key, apiKey } = (await gql(server.url, CREATE, { n: 'Thử hạn mức', d: 3 }, 'en', admin)).body.data.createApiKey;
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await withKey(key, '{ currentSchoolYear }')).body.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    const refusal = await withKey(key, '{ currentSchoolYear }');
    expect(refusal.status).toBe(429);
    expect(refusal.body.errors![0]!.message).toMatch(/used its 3 requests for today/);
    const listed = (await gql(server.url, LIST, {}, 'en', admin)).body.data.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
    expect(listed.usage[0]).toMatchObject({ requests: 6, refused: 3 });
  });

  it('stop working when revoked, at once; a made-up or malformed key is refused with 401', async () => {
    const { key, apiKey } = (await gql(server.url, CREATE, { n: 'Sẽ thu hồi' }, 'en', admin)).body.data.createApiKey;
    expect((await withKey(key, '{ currentSchoolYear }')).status).toBe(200);
    // Several administrators revoking at once: one time of revocation is kept.
    const revoked = await Promise.all(Array.from({ length: 5 }, () =>
      gql(server.url, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }, 'en', admin)));
    expect(new Set(revoked.map((r) => r.body.data.revokeApiKey.revokedAt)).size).toBe(1);
    for (const k of [key, `edg_${'A'.repeat(43)}`, 'not-a-key']) {
      const r = await withKey(k, '{ currentSchoolYear }');
      expect(r.status, k).toBe(401);
      expect(r.body.errors![0]).toMatchObject({ message: 'The API key is wrong or has been revoked.', extensions: { code: 'UNAUTHENTICATED' } });
    }
    const missing = await gql(server.url, `mutation { revokeApiKey(id: "nope") { id } }`, {}, 'en', admin);
    expect(missing.body.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('are issued in parallel without clashes', async () => {
    const made = await Promise.all(Array.from({ length: 10 }, (_, i) => gql(server.url, CREATE, { n: `Song song ${i}` }, 'en', admin)));
    const keys = made.map((m) => m.body.data.createApiKey.key as string);
    expect(new Set(keys).size).toBe(10);
    for (const k of keys.slice(0, 3)) expect((await withKey(k, '{ currentSchoolYear }')).status).toBe(200);
  });
});
