import { afterAll, beforeAll } from 'vitest';
import { asAppRole } from '@edugis/db';
import { freshSeeded, testProvider, withOwnerFixtures, type TestDatabase } from '@edugis/db/testing';
import { startServer, type RunningServer, type ServerOptions } from '../src/app.ts';
import { BUDGETS, type Budgets } from '../src/cost.ts';

export type TestDb = TestDatabase;
/** The database this test project runs the API against (vitest.config.ts runs the API tests once per provider). */
export const provider = testProvider();
export const onEmbedded = provider === 'embedded';

/**
 * Every test request comes from 127.0.0.1: with the production budget per minute, a file sending hundreds of
 * requests would be refused for volume, not for what it tests. Files run with this budget per minute; per-request
 * limits stay as in production, and cost.test.ts tests the production budgets themselves.
 */
export const TEST_BUDGETS: Budgets = {
  anonymous: { perRequest: BUDGETS.anonymous.perRequest, perMinute: 100_000_000 },
  staff: { perRequest: BUDGETS.staff.perRequest, perMinute: 100_000_000 },
};

/** A seeded copy of the template database of the project's provider and the real HTTP server on a free port. */
export async function startTestServer(opts: { onStatement?: (sql: string) => void; server?: ServerOptions } = {}): Promise<{ db: TestDb; server: RunningServer; stop(): Promise<void> }> {
  const owner = await freshSeeded({ poolSize: 8, onStatement: opts.onStatement });
  // As in production: the server's requests run as the application's role (migration 0012); fixtures as the owner.
  const { db: app, warning } = await asAppRole(owner);
  if (warning) throw new Error(warning);
  const server = await startServer(app, { port: 0, host: '127.0.0.1', budgets: TEST_BUDGETS, ...opts.server });
  const db = withOwnerFixtures(owner);
  return {
    db, server,
    stop: async () => {
      await server.close();
      if (app !== owner) await app.close();
      await owner.drop();
    },
  };
}

export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, lang = 'vi', token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': lang, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

/** Starts the test server before this file's tests and stops it after; read `.ctx` / `.url` inside tests. */
export function useTestServer(opts: { onStatement?: (sql: string) => void; server?: ServerOptions } = {}) {
  const handle = {} as { ctx: Awaited<ReturnType<typeof startTestServer>>; url: string };
  beforeAll(async () => {
    handle.ctx = await startTestServer(opts);
    handle.url = handle.ctx.server.url;
  });
  afterAll(() => handle.ctx?.stop());
  return handle;
}
