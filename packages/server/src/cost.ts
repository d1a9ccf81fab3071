// What one request may cost. Every field has a cost (Pothos' complexity plugin: 1 by default, lists ×10 for what
// they hold; the expensive fields say what they really do: coverage unions thousands of buffers, a page of 200
// schools is 200 rows). Before an operation runs, and before any of its SQL, its cost is computed from the
// selected operation, its fragments and variables; an operation over the per-request limit is refused
// (COST_LIMIT), and its cost is taken from the client's budget per minute (RATE_LIMITED when spent), kept in
// memory or Redis (shared-state.ts). Depth, aliases and directives have limits of their own (graphql-armor's
// rules, safe against fragment cycles). Anonymous visitors get the smallest budget, signed-in staff more, API
// keys what an administrator gave them.
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { ApolloServerPlugin } from '@apollo/server';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { ClientIdentity, Context } from './builder.ts';
import { currentLang } from './errors.ts';
import { translator } from './i18n.ts';
import { recordUsage, takeDaily } from './api-keys.ts';
import { limiter, take } from './shared-state.ts';

export const MAX_DEPTH = 12;
export const MAX_ALIASES = 30;
export const MAX_DIRECTIVES = 20;

/** A page's size as its cost multiplier (the default page when none is asked; a bad size is left to the resolver to refuse). */
export const pageCost = (args: { first?: number | null; last?: number | null }, fallback = 50, max = 200) =>
  Math.min(max, Math.max(1, args.first ?? args.last ?? fallback));
/** A limit argument as a multiplier, clamped the same way. */
export const limitCost = (limit: number | null | undefined, fallback: number, max: number) => Math.min(max, Math.max(1, limit ?? fallback));

/** Budgets per kind of client: per request, and per minute (a parent on the map spends a few thousand). */
export const BUDGETS = {
  anonymous: { perRequest: 10_000, perMinute: 100_000 },
  staff: { perRequest: 30_000, perMinute: 500_000 },
} as const;

const perMinute = new Map<string, ReturnType<typeof limiter>>();
function minuteBudget(points: number) {
  let l = perMinute.get(String(points));
  if (!l) perMinute.set(String(points), (l = limiter(`cost-${points}`, { points, duration: 60 })));
  return l;
}

export type Budgets = { [K in keyof typeof BUDGETS]: { perRequest: number; perMinute: number } };

export function anonymousClient(ip: string, budgets: Budgets = BUDGETS): ClientIdentity {
  return { kind: 'anonymous', key: `ip:${ip}`, apiKeyId: null, ...budgets.anonymous };
}
export function staffClient(userId: string, budgets: Budgets = BUDGETS): ClientIdentity {
  return { kind: 'staff', key: `user:${userId}`, apiKeyId: null, ...budgets.staff };
}

const refuse = (code: 'COST_LIMIT' | 'RATE_LIMITED', key: string, vars: Record<string, unknown>, status: number, retryAfter?: number) =>
  new GraphQLError(translator(currentLang())(key, vars) as string, {
    extensions: {
      code, reason: key.replace(/^error\./, ''), ...vars,
      http: { status, ...(retryAfter ? { headers: new Map([['retry-after', String(retryAfter)]]) } : {}) },
    },
  });

/** The cost of the operation a request selected (its fragments and variables included): complexity and depth. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, ctx: object, variables: Record<string, unknown>) {
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = ops.find((d) => (operationName ? d.name?.value === operationName : true))!;
  // complexityFromQuery measures the first operation of a document: give it only the selected one.
  const only: DocumentNode = { kind: Kind.DOCUMENT, definitions: [op, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] };
  return complexityFromQuery(only, { schema, ctx, variables });
}

/** The refusal of an operation of this cost and depth for this client, or null; charges the budgets when allowed. */
async function check(client: ClientIdentity, complexity: number, depth: number): Promise<GraphQLError | null> {
  if (depth > MAX_DEPTH) return refuse('COST_LIMIT', 'error.tooDeep', { depth, max: MAX_DEPTH }, 400);
  if (complexity > client.perRequest) return refuse('COST_LIMIT', 'error.costLimit', { cost: complexity, max: client.perRequest }, 400);
  if (client.apiKeyId) {
    const wait = await takeDaily(client);
    if (wait !== null) return refuse('RATE_LIMITED', 'error.apiKeyQuota', { max: client.requestsPerDay, seconds: wait }, 429, wait);
  }
  const wait = await take(minuteBudget(client.perMinute), client.key, Math.max(1, complexity));
  if (wait !== null) return refuse('RATE_LIMITED', 'error.costBudget', { max: client.perMinute, seconds: wait }, 429, wait);
  return null;
}

/** Apollo plugin: refuses an operation over its limits, and charges its cost to the client's budget, before it runs. */
export function costPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue: ctx, document, operationName, request }) {
          const client = ctx.client!;
          let measured: { complexity: number; depth: number };
          try {
            measured = operationCost(schema, document, operationName, ctx, request.variables ?? {});
          } catch (err) {
            // Variables that cannot be coerced: execution refuses them (BAD_USER_INPUT) before any resolver runs.
            if (err instanceof GraphQLError) return;
            throw err;
          }
          const { complexity, depth } = measured;
          ctx.cost = complexity;
          const refusal = await check(client, complexity, depth);
          if (client.apiKeyId) recordUsage(client.apiKeyId, refusal ? 0 : complexity, !!refusal);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/**
 * Validation rules with translated messages: aliases and directives per operation (fragments counted, cycles
 * safe). armor's rules throw by default (envelop's way); here they report a validation error instead (a 400).
 */
const reported = (key: string, max: number) => ({
  n: max, propagateOnRejection: false,
  onReject: [(c: ValidationContext | null) => c?.reportError(new GraphQLError(translator(currentLang())(key, { max }) as string, { extensions: { reason: key.replace(/^error\./, '') } }))],
});
export const costValidationRules = [
  (c: ValidationContext) => maxAliasesRule(reported('error.tooManyAliases', MAX_ALIASES))(c),
  (c: ValidationContext) => maxDirectivesRule(reported('error.tooManyDirectives', MAX_DIRECTIVES))(c),
];
