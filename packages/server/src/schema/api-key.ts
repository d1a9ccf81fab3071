// API keys over GraphQL, for administrators: issue one (the key is shown once; only its hash is kept), list them
// with their usage per day, revoke one. A program sends the key as `X-Api-Key` and gets the key's limits.
import { sql } from '@edugis/prisma-postgis';
import type { ApiKey as ApiKeyRow } from '@edugis/db';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { forgetKeys, flushUsage, newKey } from '../api-keys.ts';
import { BUDGETS } from '../cost.ts';
import { authError, userError } from '../errors.ts';
// A write the server cannot run now throws BusyError, which errors.ts answers as SERVER_BUSY (translated).
import { writeTransaction } from '../transactions.ts';

/** A key's defaults: five times an anonymous visitor's cost limits, and 100,000 requests a day. */
export const API_KEY_DEFAULTS = { perRequest: BUDGETS.anonymous.perRequest * 5, perMinute: BUDGETS.anonymous.perMinute * 5, requestsPerDay: 100_000 };
const LIMITS = { perRequest: [1, 1_000_000], perMinute: [1, 100_000_000], requestsPerDay: [1, 100_000_000] } as const;

function admin(ctx: Context) {
  if (!ctx.viewer) throw authError(ctx.lang, ctx.sessionExpired, false);
  if (ctx.viewer.role !== 'ADMIN') throw authError(ctx.lang, false, true);
  return ctx.viewer;
}

builder.prismaObject('ApiKeyUsage', {
  name: 'ApiKeyUsageDay',
  description: 'What a key did in one day (UTC): requests answered or refused, and the cost of those answered.',
  fields: (t) => ({
    day: t.field({ type: 'Date', resolve: (u) => u.day }),
    requests: t.int({ resolve: (u) => Number(u.requests) }),
    cost: t.float({ resolve: (u) => Number(u.cost) }),
    refused: t.int({ description: 'Refused for cost, budget or daily quota.', resolve: (u) => Number(u.refused) }),
  }),
});

const ApiKeyRef = builder.prismaObject('ApiKey', {
  description: 'An API key: who issued it, its limits, whether it is revoked, and its use. The key itself is never shown again after its creation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', { description: 'Who or what it is for, e.g. "Sở GDĐT TP.HCM – phòng kế hoạch".' }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    perRequest: t.exposeInt('perRequest', { description: 'The most cost one request may have.' }),
    perMinute: t.exposeInt('perMinute', { description: 'The cost budget per minute.' }),
    requestsPerDay: t.exposeInt('requestsPerDay'),
    createdAt: t.string({ resolve: (k) => k.createdAt.toISOString() }),
    createdBy: t.string({ select: { createdBy: { select: { displayName: true } } }, resolve: (k) => k.createdBy.displayName }),
    revokedAt: t.string({ nullable: true, resolve: (k) => k.revokedAt?.toISOString() ?? null }),
    lastUsedAt: t.string({ nullable: true, description: 'Up to a few seconds late (usage is recorded in batches).', resolve: (k) => k.lastUsedAt?.toISOString() ?? null }),
    usage: t.relation('usage', {
      description: 'Use per day, newest first (the last 30 days).',
      query: () => ({ where: { day: { gte: new Date(Date.now() - 30 * 86_400_000) } }, orderBy: { day: 'desc' as const } }),
    }),
  }),
});

const CreatedKey = builder.objectRef<{ key: string; row: ApiKeyRow }>('CreatedApiKey').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The key: send it as `X-Api-Key: <key>`. Shown this once only; keep it like a password.' }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (c) => c.row }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.prismaField({
    type: ['ApiKey'],
    description: 'Administrators: every API key, newest first, with its use per day.',
    resolve: async (query, _r, _a, ctx) => {
      admin(ctx);
      await flushUsage(); // this process's counts so far
      return prisma().apiKey.findMany({ ...query, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
    },
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedKey,
    description: `Administrators: issues an API key. Defaults: ${API_KEY_DEFAULTS.perRequest} cost per request, ` +
      `${API_KEY_DEFAULTS.perMinute} per minute, ${API_KEY_DEFAULTS.requestsPerDay} requests a day.`,
    args: {
      name: t.arg.string({ required: true }),
      perRequest: t.arg.int({ required: false }),
      perMinute: t.arg.int({ required: false }),
      requestsPerDay: t.arg.int({ required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const v = admin(ctx);
      const name = args.name.normalize('NFC').trim();
      if (!name || name.length > 120) throw userError(ctx.lang, 'error.apiKeyName', { max: 120 });
      const limits = { ...API_KEY_DEFAULTS };
      for (const k of ['perRequest', 'perMinute', 'requestsPerDay'] as const) {
        const n = args[k];
        if (n == null) continue;
        const [lo, hi] = LIMITS[k];
        if (!Number.isInteger(n) || n < lo || n > hi) throw userError(ctx.lang, 'error.apiKeyLimit', { field: k, min: lo, max: hi });
        limits[k] = n;
      }
      const made = newKey();
      const row = await writeTransaction((tx) => tx.apiKey.create({
        data: { id: made.id, name, prefix: made.prefix, keyHash: made.hash, ...limits, createdById: v.id },
      }));
      return { key: made.key, row };
    },
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description: 'Administrators: revokes an API key at once on this server, within 10 seconds on every other. Revoking twice keeps the first time.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _r, args, ctx) => {
      const v = admin(ctx);
      const id = String(args.id);
      const n = await writeTransaction((tx) => tx.$executeRaw(sql`
        UPDATE api_key SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ${v.id}) WHERE id = ${id}`));
      if (n === 0) throw userError(ctx.lang, 'error.apiKeyNotFound', { id: id.slice(0, 60) }, 'NOT_FOUND');
      forgetKeys();
      return prisma().apiKey.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
