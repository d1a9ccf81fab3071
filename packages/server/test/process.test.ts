// The server as a process, as deployers run it: a SIGTERM finishes the requests in flight; two first starts on an
// empty database migrate and seed it once; a database that is not up yet is waited for; demo accounts exist only
// where asked for and never come back once deleted. Real processes (spawn-server.ts) on real databases.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbedded, openPostgres } from '@edugis/db';
import { embeddedCopy, freshDatabase } from '@edugis/db/testing';
import { gql, onEmbedded } from './support.ts';
import { answers, DH80, SAVE } from './workflow-support.ts';
import { spawnServer, waitReady } from './spawn-server.ts';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});
const LOGIN = (u: string) => `mutation { login(username: "${u}", password: "edugis-demo") { __typename ... on MutationLoginSuccess { data { token } } } }`;
const demoCount = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { demoAccounts: { count: number } }).demoAccounts.count;

describe('SIGTERM', () => {
  it.skipIf(onEmbedded)('finishes a request in flight (a save waiting on a lock), answers it, then exits 0 (PostgreSQL)', async () => {
    const db = await freshDatabase({ seeded: true });
    cleanup.push(() => db.drop());
    const server = await spawnServer({ DATABASE_URL: db.url, EDUGIS_DEMO_ACCOUNTS: '1' });
    cleanup.push(() => server.stop('SIGKILL'));
    const token = (await gql(server.url, LOGIN('demo.canbo'))).body.data.login.data.token as string;
    const school = (await gql(server.url, '{ me { school { id } } }', {}, 'en', token)).body.data.me.school.id as string;
    const first = (await gql(server.url, SAVE, { s: school, y: '2026-2027', v: null, a: answers(DH80) }, 'en', token)).body.data.saveSelfAssessment.data;
    const other = await openPostgres(db.url, { poolSize: 1 });
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((ok) => (locked = ok));
    const holding = other.raw.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM maturity_assessment WHERE id = $1 FOR UPDATE', [first.id]);
      locked();
      await new Promise<void>((ok) => (release = ok));
    });
    await isLocked;
    const inFlight = gql(server.url, SAVE, { s: school, y: '2026-2027', v: 1, a: answers({ ...DH80, '1.4': 4 }) }, 'en', token);
    await new Promise((ok) => setTimeout(ok, 300));
    const exit = server.stop('SIGTERM');
    await new Promise((ok) => setTimeout(ok, 700));
    expect(server.child.exitCode).toBeNull(); // still finishing
    release();
    await holding;
    await other.close();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.body.data.saveSelfAssessment).toMatchObject({ __typename: 'MutationSaveSelfAssessmentSuccess', data: { version: 2 } });
    expect(await exit).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing the requests in flight/);
  });

  it.runIf(onEmbedded)('finishes a long request in flight on the embedded database, answers it, then exits 0', async () => {
    const copy = embeddedCopy();
    cleanup.push(() => copy.remove());
    const server = await spawnServer({ DATABASE_URL: '', EDUGIS_EMBEDDED_DIR: copy.dir });
    cleanup.push(() => server.stop('SIGKILL'));
    const started = performance.now();
    const inFlight = gql(server.url, `{ coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 3000, withGeometry: true) { coveredShare } }`)
      .then((r) => ({ ...r, at: performance.now() }));
    await new Promise((ok) => setTimeout(ok, 300));
    const signalled = performance.now();
    const exit = server.stop('SIGTERM');
    const answered = await inFlight;
    expect(answered.at).toBeGreaterThan(signalled); // it was in flight when the signal came
    expect(answered.status).toBe(200);
    expect(answered.body.data.coverage).toHaveLength(168);
    expect(await exit).toBe(0);
    expect(signalled - started).toBeLessThan(answered.at - started);
  });
});

describe.skipIf(onEmbedded)('first starts and an absent database (PostgreSQL)', () => {
  it('two servers started at once on an empty database migrate and seed it once, and both serve', async () => {
    const db = await freshDatabase();
    cleanup.push(() => db.drop());
    const [a, b] = await Promise.all([spawnServer({ DATABASE_URL: db.url }), spawnServer({ DATABASE_URL: db.url })]);
    cleanup.push(() => a.stop('SIGKILL'), () => b.stop('SIGKILL'));
    for (const s of [a, b]) expect((await gql(s.url, '{ schools(first: 1) { totalCount } }')).body.data.schools.totalCount).toBeGreaterThan(2000);
    expect([a.output(), b.output()].filter((o) => /seed: done/.test(o))).toHaveLength(1);
    const [{ n }] = await db.raw.query<{ n: number }>('SELECT count(*)::int n FROM seed_state');
    expect(n).toBe(1);
    const migrations = await db.raw.query<{ name: string; n: number }>('SELECT name, count(*)::int n FROM _edugis_migrations GROUP BY name HAVING count(*) > 1');
    expect(migrations).toEqual([]);
  }, 240_000);

  it('waits for a database that is not reachable yet, then starts', async () => {
    const db = await freshDatabase({ seeded: true });
    cleanup.push(() => db.drop());
    // A port where nothing listens yet; after 2 s it forwards to the real server (a database coming up late).
    const target = new URL(db.url);
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      sockets.add(client);
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      client.pipe(upstream).pipe(client);
      const close = () => { client.destroy(); upstream.destroy(); };
      client.on('error', close);
      upstream.on('error', close);
    });
    const port = 45_000 + (process.pid % 1000);
    const late = new URL(db.url);
    late.port = String(port);
    const s = await spawnServer({ DATABASE_URL: late.toString() }, { waitReady: false });
    cleanup.push(() => s.stop('SIGKILL'));
    // The server says it waits (and keeps running) while nothing answers...
    await expect.poll(() => s.output(), { timeout: 30_000 }).toMatch(/not reachable yet .* retrying/);
    expect(s.child.exitCode).toBeNull();
    // ...and starts once the database is there.
    await new Promise<void>((ok) => relay.listen(port, '127.0.0.1', ok));
    cleanup.push(() => { for (const c of sockets) c.destroy(); relay.close(); });
    await waitReady(s, 60_000);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
  });
});

describe('demo accounts', () => {
  it.skipIf(onEmbedded)('none on a PostgreSQL server unless EDUGIS_DEMO_ACCOUNTS=1; then loud; never re-created once deleted', async () => {
    const db = await freshDatabase({ seeded: true });
    cleanup.push(() => db.drop());
    await db.raw.exec(`DELETE FROM user_session; DELETE FROM login_address; DELETE FROM app_user WHERE is_demo; DELETE FROM demo_accounts_state`);
    const plain = await spawnServer({ DATABASE_URL: db.url, EDUGIS_DEMO_ACCOUNTS: undefined });
    expect(await demoCount(plain.url)).toBe(0);
    expect((await gql(plain.url, LOGIN('demo.quantri'))).body.data.login.__typename).toBe('AuthError');
    await plain.stop();
    const asked = await spawnServer({ DATABASE_URL: db.url, EDUGIS_DEMO_ACCOUNTS: '1' });
    expect(await demoCount(asked.url)).toBe(6);
    expect(asked.output()).toMatch(/WARNING: 6 demo accounts exist .* public password "edugis-demo"/);
    await asked.stop();
    await db.raw.exec(`DELETE FROM user_session; DELETE FROM login_address; DELETE FROM app_user WHERE is_demo`);
    const again = await spawnServer({ DATABASE_URL: db.url, EDUGIS_DEMO_ACCOUNTS: '1' });
    cleanup.push(() => again.stop('SIGKILL'));
    expect(await demoCount(again.url)).toBe(0);
    expect(again.output()).not.toMatch(/demo accounts exist/);
  });

  it.runIf(onEmbedded)('on the embedded quick start, yes; with NODE_ENV=production, none', async () => {
    const copy = embeddedCopy();
    cleanup.push(() => copy.remove());
    const db = await openEmbedded(copy.dir);
    await db.raw.exec(`DELETE FROM user_session; DELETE FROM login_address; DELETE FROM app_user WHERE is_demo; DELETE FROM demo_accounts_state`);
    await db.close();
    const production = await spawnServer({ DATABASE_URL: '', EDUGIS_EMBEDDED_DIR: copy.dir, NODE_ENV: 'production', EDUGIS_DEMO_ACCOUNTS: undefined });
    expect(await demoCount(production.url)).toBe(0);
    await production.stop();
    const quickStart = await spawnServer({ DATABASE_URL: '', EDUGIS_EMBEDDED_DIR: copy.dir, EDUGIS_DEMO_ACCOUNTS: undefined });
    cleanup.push(() => quickStart.stop('SIGKILL'));
    expect(await demoCount(quickStart.url)).toBe(6);
    expect((await gql(quickStart.url, LOGIN('demo.phuong'))).body.data.login.__typename).toBe('MutationLoginSuccess');
  });
});
