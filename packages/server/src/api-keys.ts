// API keys (migration 0013): a planner's program sends `X-Api-Key: edg_…` (or `Authorization: ApiKey edg_…`) and
// gets the key's own limits instead of an address's. Only the key's SHA-256 is stored. A key is looked up at most
// every 10 seconds per process, so a revoked key stops working within 10 seconds on every server (at once on the
// one that revoked it). Usage is counted in memory and added to api_key_usage every few seconds.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { sql } from '@edugis/prisma-postgis';
import type { ClientIdentity } from './builder.ts';
import { prisma } from './db.ts';
import { limiter, take } from './shared-state.ts';

const KEY = /^edg_[A-Za-z0-9_-]{43}$/;
export const keyHash = (key: string) => createHash('sha256').update(key).digest('hex');
export const newKey = () => {
  const key = `edg_${randomBytes(32).toString('base64url')}`;
  return { id: randomUUID(), key, prefix: key.slice(0, 10), hash: keyHash(key) };
};

/** The key a request carries: a well-formed one, 'invalid' for a malformed one, null for none. */
export function apiKeyOf(headers: IncomingHttpHeaders): string | 'invalid' | null {
  const header = headers['x-api-key'];
  const auth = /^ApiKey\s+(\S+)$/i.exec(headers.authorization ?? '');
  const key = (Array.isArray(header) ? header[0] : header) ?? auth?.[1];
  if (key === undefined) return null;
  return KEY.test(key) ? key : 'invalid';
}

interface KeyRow { id: string; per_request: number; per_minute: number; requests_per_day: number; revoked: boolean }
const LOOKUP_TTL_MS = 10_000;
const known = new Map<string, { row: KeyRow | null; at: number }>();

/** The client identity of a key, or null when it is unknown or revoked. */
export async function apiKeyClient(key: string): Promise<ClientIdentity | null> {
  const hash = keyHash(key);
  let hit = known.get(hash);
  if (!hit || Date.now() - hit.at > LOOKUP_TTL_MS) {
    const [row] = await prisma().$queryRaw<KeyRow[]>(sql`
      SELECT id, per_request, per_minute, requests_per_day, revoked_at IS NOT NULL AS revoked FROM api_key WHERE key_hash = ${hash}`);
    hit = { row: row ?? null, at: Date.now() };
    if (known.size > 10_000) known.clear();
    known.set(hash, hit);
  }
  const r = hit.row;
  if (!r || r.revoked) return null;
  return { kind: 'apiKey', key: `key:${r.id}`, apiKeyId: r.id, perRequest: r.per_request, perMinute: r.per_minute, requestsPerDay: r.requests_per_day };
}

/** Forgets what this process knows of keys (after a revocation here: it takes effect at once). */
export const forgetKeys = () => known.clear();

const daily = new Map<number, ReturnType<typeof limiter>>();
/** Counts one request against the key's daily quota: null when allowed, else the seconds until the quota renews. */
export function takeDaily(client: ClientIdentity): Promise<number | null> {
  const points = client.requestsPerDay!;
  let l = daily.get(points);
  if (!l) daily.set(points, (l = limiter(`apikey-day-${points}`, { points, duration: 86_400 })));
  return take(l, client.apiKeyId!);
}

// ---- usage, counted in memory and added to the table every few seconds ----------------------------------
const pending = new Map<string, { requests: number; cost: number; refused: number }>();
const today = () => new Date().toISOString().slice(0, 10);

export function recordUsage(keyId: string, cost: number, refused: boolean): void {
  const k = `${keyId}|${today()}`;
  const u = pending.get(k) ?? { requests: 0, cost: 0, refused: 0 };
  u.requests += 1;
  u.cost += cost;
  if (refused) u.refused += 1;
  pending.set(k, u);
}

/** Adds the counts gathered since the last flush (additive, so several processes can flush into one row). */
export async function flushUsage(): Promise<void> {
  if (!pending.size) return;
  const rows = [...pending.entries()].map(([k, u]) => ({ key_id: k.split('|')[0]!, day: k.split('|')[1]!, ...u }));
  pending.clear();
  try {
    await prisma().$executeRaw(sql`
      INSERT INTO api_key_usage AS u (key_id, day, requests, cost, refused)
      SELECT r.key_id, r.day::date, r.requests, r.cost, r.refused
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(key_id text, day text, requests bigint, cost bigint, refused bigint)
      ORDER BY r.key_id, r.day
      ON CONFLICT (key_id, day) DO UPDATE SET requests = u.requests + EXCLUDED.requests, cost = u.cost + EXCLUDED.cost,
        refused = u.refused + EXCLUDED.refused`);
    await prisma().$executeRaw(sql`UPDATE api_key SET last_used_at = now() WHERE id = ANY (${[...new Set(rows.map((r) => r.key_id))]}::text[])`);
  } catch (err) {
    // Counts are not worth a failed request: put them back for the next flush.
    for (const r of rows) {
      const k = `${r.key_id}|${r.day}`;
      const u = pending.get(k) ?? { requests: 0, cost: 0, refused: 0 };
      pending.set(k, { requests: u.requests + r.requests, cost: u.cost + r.cost, refused: u.refused + r.refused });
    }
    console.error(`[api-keys] usage not recorded yet: ${(err as Error).message.slice(0, 300)}`);
  }
}

let timer: NodeJS.Timeout | null = null;
let servers = 0;
/** Flushes every few seconds while a server runs (one timer for all servers of the process); the returned stop flushes last. */
export function startUsageFlush(everyMs = 5_000): () => Promise<void> {
  servers++;
  timer ??= setInterval(() => void flushUsage(), everyMs).unref();
  return async () => {
    if (--servers === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
    await flushUsage();
  };
}
