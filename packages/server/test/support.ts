import { afterAll, beforeAll } from 'vitest';
import { freshSeeded, testProvider, type TestDatabase } from '@edugis/db/testing';
import { startServer, type RunningServer } from '../src/index.ts';

export type TestDb = TestDatabase;
/** The database this test project runs the API against (vitest.config.ts runs the API tests once per provider). */
export const provider = testProvider();
export const onEmbedded = provider === 'embedded';

/** A seeded copy of the template database of the project's provider and the real HTTP server on a free port. */
export async function startTestServer(opts: { onStatement?: (sql: string) => void } = {}): Promise<{ db: TestDb; server: RunningServer; stop(): Promise<void> }> {
  const db = await freshSeeded({ poolSize: 8, onStatement: opts.onStatement });
  const server = await startServer(db, { port: 0, host: '127.0.0.1' });
  return { db, server, stop: async () => { await server.close(); await db.drop(); } };
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
export function useTestServer(opts: { onStatement?: (sql: string) => void } = {}) {
  const handle = {} as { ctx: Awaited<ReturnType<typeof startTestServer>>; url: string };
  beforeAll(async () => {
    handle.ctx = await startTestServer(opts);
    handle.url = handle.ctx.server.url;
  });
  afterAll(() => handle.ctx?.stop());
  return handle;
}
