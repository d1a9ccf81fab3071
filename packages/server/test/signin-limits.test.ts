// Sign-in limits hold under parallel guessing, per account across addresses and per address across accounts,
// and cannot be used to lock everyone out: an address that signed in before keeps its way in, and a trusted
// proxy's clients are told apart. On PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '@edugis/db';
import { startServer, type RunningServer } from '../src/app.ts';
import { LOGIN_FAILS_PER_ACCOUNT, LOGIN_FAILS_PER_ADDRESS, LOGIN_FAILS_PER_USER } from '../src/auth.ts';
import { TEST_BUDGETS, useTestServer } from './support.ts';

const server = useTestServer({ server: { env: { ...process.env, EDUGIS_TRUST_PROXY: 'loopback' } } });
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename ... on AuthError { code retryAfterSeconds } } }`;

async function login(url: string, username: string, password: string, address?: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify({ query: LOGIN, variables: { u: username, p: password } }),
  });
  const body = (await res.json()) as { data?: { login: { __typename: string; code?: string } }; errors?: unknown[] };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.login.code ?? 'OK';
}
const tally = (codes: string[]) => codes.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});

beforeAll(async () => {
  for (const name of ['guess.target', 'spread.target', 'other.one']) {
    await createAccount(server.ctx.db, { id: `t-${name}`, username: name, displayName: name, role: 'PLANNER', password: 'the-right-password' });
  }
});

describe('sign-in limits', () => {
  it(`30 wrong passwords at once are checked ${LOGIN_FAILS_PER_USER} times: the rest are refused before any hashing, the right one too`, async () => {
    const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => login(server.url, 'guess.target', `wrong-${i}`, '10.2.0.1')));
    expect(tally(codes)).toEqual({ INVALID_CREDENTIALS: LOGIN_FAILS_PER_USER, RATE_LIMITED: 30 - LOGIN_FAILS_PER_USER });
    expect(await login(server.url, 'guess.target', 'the-right-password', '10.2.0.1')).toBe('RATE_LIMITED');
    // The same account from its usual address still signs in.
    expect(await login(server.url, 'guess.target', 'the-right-password', '10.2.0.2')).toBe('OK');
  });

  it(`locks an account after ${LOGIN_FAILS_PER_ACCOUNT} failures from many addresses, except for an address that signed in to it before`, async () => {
    expect(await login(server.url, 'spread.target', 'the-right-password', '10.3.0.1')).toBe('OK'); // its owner's office
    const codes: string[] = [];
    for (let i = 0; i < LOGIN_FAILS_PER_ACCOUNT + 3; i++) codes.push(await login(server.url, 'spread.target', 'guess', `10.4.${i}.9`));
    expect(codes.slice(0, LOGIN_FAILS_PER_ACCOUNT)).toEqual(Array(LOGIN_FAILS_PER_ACCOUNT).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(LOGIN_FAILS_PER_ACCOUNT)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(await login(server.url, 'spread.target', 'the-right-password', '10.5.0.1')).toBe('RATE_LIMITED'); // a new address
    expect(await login(server.url, 'spread.target', 'the-right-password', '10.3.0.1')).toBe('OK'); // the known one
  });

  it(`blocks an address after ${LOGIN_FAILS_PER_ADDRESS} failures across accounts, and only that address`, async () => {
    const codes: string[] = [];
    for (let i = 0; i < LOGIN_FAILS_PER_ADDRESS + 1; i++) codes.push(await login(server.url, `nobody.${i}`, 'x', '10.6.0.1'));
    expect(codes.slice(0, LOGIN_FAILS_PER_ADDRESS).every((c) => c === 'INVALID_CREDENTIALS')).toBe(true);
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(await login(server.url, 'other.one', 'the-right-password', '10.6.0.1')).toBe('RATE_LIMITED');
    expect(await login(server.url, 'other.one', 'the-right-password', '10.6.0.2')).toBe('OK');
  });

  describe('without EDUGIS_TRUST_PROXY', () => {
    let direct: RunningServer;
    beforeAll(async () => {
      direct = await startServer(server.ctx.db, { port: 0, host: '127.0.0.1', budgets: TEST_BUDGETS, env: { ...process.env, EDUGIS_TRUST_PROXY: '' } });
    });
    afterAll(() => direct?.close());

    it('ignores X-Forwarded-For, so a client cannot dodge the limit by inventing addresses', async () => {
      await createAccount(server.ctx.db, { id: 't-spoof', username: 'spoof.target', displayName: 's', role: 'PLANNER', password: 'the-right-password' });
      const codes: string[] = [];
      for (let i = 0; i < LOGIN_FAILS_PER_USER + 1; i++) codes.push(await login(direct.url, 'spoof.target', 'guess', `10.7.${i}.1`));
      expect(codes.at(-1)).toBe('RATE_LIMITED');
    });
  });
});
