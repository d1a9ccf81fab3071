// Configures the Pothos builder and its plugins; defines no types (those live in schema/).
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import ComplexityPlugin from '@pothos/plugin-complexity';
import { getDatamodel, type PrismaTypes } from '@edugis/db';
import type { Lang } from './i18n.ts';
import type DataLoader from 'dataloader';
import type { SchoolPlace, Viewer } from './auth.ts';
import { prisma } from './db.ts';

export interface Context {
  lang: Lang;
  /** The client's address, for rate limits (never stored as is). */
  ip: string;
  /** The signed-in account, or null for an anonymous visitor (a parent). */
  viewer: Viewer | null;
  /**
   * true: the request carried a bearer token that is unknown, expired or of a disabled account. 'password': it is
   * of an account that signed in with a one-time password and must set its own first (`viewer` is then null and
   * `passwordChange` holds the account).
   */
  sessionExpired: boolean | 'password';
  /** The account of a session that must set its own password before anything else, or null. */
  passwordChange: Viewer | null;
  token: string | null;
  /** Per-request, batched: where schools sit and who manages them (auth.schoolPlaces); one query per tick. */
  places: DataLoader<string, SchoolPlace | undefined>;
  /** Per-request memo for small lookups (deadlines of a school year and province). */
  memo: Map<string, Promise<unknown>>;
  /** Aborted when the client goes away before the answer is sent: work not yet started is not started. */
  signal?: AbortSignal;
  /** Who is asking, for cost budgets and rate limits (cost.ts): an address, an account or an API key. */
  client?: ClientIdentity;
  /** The cost of the operation (cost.ts), once computed. */
  cost?: number;
}

export interface ClientIdentity {
  kind: 'anonymous' | 'staff' | 'apiKey';
  /** The budget's key: the address, the account id or the key id. */
  key: string;
  apiKeyId: string | null;
  /** Most cost one request may have, and per minute. */
  perRequest: number;
  perMinute: number;
  /** API keys: requests a day. */
  requestsPerDay?: number;
}

export const MAX_PAGE_SIZE = 200;

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: Context;
  Scalars: { Date: { Input: Date; Output: Date }; GeoJSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
}>({
  plugins: [ErrorsPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  errors: { directResult: false },
  defaultFieldNullability: false,
  prisma: {
    client: () => prisma() as never,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    defaultConnectionSize: 50,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: null,
  },
  // A connection's cost is its page size times a node's (cost.ts): the edges list adds nothing of its own.
  relay: { edgesFieldOptions: { complexity: { field: 0, multiplier: 1 } } },
  // Field costs (see cost.ts); the limits are enforced once per operation before it runs, not here.
  complexity: { defaultComplexity: 1, defaultListMultiplier: 10 },
});

builder.queryType({});
builder.mutationType({});
builder.scalarType('Date', {
  description: 'A calendar date, written YYYY-MM-DD.',
  serialize: (d) => (d as Date).toISOString().slice(0, 10),
  parseValue: (v) => new Date(String(v)),
});
