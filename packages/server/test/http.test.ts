// The HTTP surface: security headers (a CSP the map works under: the browser tests fail on any violation), 404
// for paths that are not the app's, liveness apart from readiness, request ids, bounded bodies and answers,
// and loud demo accounts. On PostgreSQL and PGlite.
import { describe, expect, it } from 'vitest';
import { useTestServer } from './support.ts';

const server = useTestServer();
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

describe('HTTP', () => {
  it('sends security headers on the app and the API: CSP with frame-ancestors, nosniff, a referrer policy, no X-Powered-By', async () => {
    for (const path of ['/', '/graphql?query=%7BcurrentSchoolYear%7D']) {
      const res = await get(path, { 'apollo-require-preflight': '1' });
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/worker-src 'self' blob:/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(csp).not.toMatch(/unsafe-eval/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8}$/);
    }
  });

  it('answers 404 for paths that are not the app\'s, instead of the app\'s page', async () => {
    for (const path of ['/robots.txt', '/.env', '/assets/missing-abc123.js', '/admin', '/graphql/../.git/config', '/index.php']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toMatch(/<div id="root">/);
    }
    const json = await get('/nothing-here', { accept: 'application/json', 'accept-language': 'en' });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: expect.any(String) });
    // The app itself, with its state in the query string.
    const app = await get('/?school=syn-26740-primary-1&lang=en', { accept: 'text/html' });
    expect(app.status).toBe(200);
    expect(await app.text()).toMatch(/<div id="root">/);
  });

  it('keeps liveness apart from readiness, and /healthz says what runs and loudly that demo accounts exist', async () => {
    expect(await (await get('/livez')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const h = (await (await get('/healthz')).json()) as Record<string, any>;
    expect(h.limits).toBe('memory');
    expect(h.demoAccounts.count).toBe(6);
    expect(h.demoAccounts.warning).toMatch(/public password/);
  });

  it('refuses a body over 1 MB with 413 and a NUL in any text with a translated 400, before anything runs', async () => {
    const big = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ search(text: "${'x'.repeat(1_100_000)}") { label } }` }) });
    expect(big.status).toBe(413);
    for (const body of [{ query: '{ search(text: "a\\u0000b") { label } }' }, { query: 'query($t: String!) { search(text: $t) { label } }', variables: { t: 'a\u0000b' } }]) {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'nulCharacter' } });
    }
  });

  it('masks an unexpected error with the request id, which the log carries too', async () => {
    // Break something on purpose: a view the schools query reads from disappears for a moment.
    const logged: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => void logged.push(a.map(String).join(' '));
    await server.ctx.db.raw.exec('ALTER TABLE data_source RENAME TO data_source_gone');
    try {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify({ query: '{ dataset { sources { id } } }' }) });
      const id = res.headers.get('x-request-id')!;
      const body = (await res.json()) as any;
      expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: id });
      expect(body.errors[0].message).toBe(`Something went wrong on the server (request ${id}). Please try again later; if it happens again, quote this id to the administrator.`);
      expect(JSON.stringify(body)).not.toMatch(/data_source|SELECT|prisma/i);
      expect(logged.some((l) => l.includes(`request ${id}`))).toBe(true);
    } finally {
      await server.ctx.db.raw.exec('ALTER TABLE data_source_gone RENAME TO data_source');
      console.error = error;
    }
  });
});
