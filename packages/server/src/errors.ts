// One error contract. Expected failures carry a stable code and a translated message: the client's mistakes
// (BAD_USER_INPUT: bad arguments, cursors, page sizes, text with NUL), limits (RATE_LIMITED, COST_LIMIT,
// RESPONSE_TOO_LARGE), the server's state (SERVER_BUSY, TIMEOUT) and access (UNAUTHENTICATED, FORBIDDEN).
// Anything else is masked: one translated line and the request id for the client, the detail (truncated) in the
// log under the same id. Never a stack trace or SQL text in a response, never a whole input in the log.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { PostgisInputError } from '@edugis/prisma-postgis';
import { translator, type Lang } from './i18n.ts';
import { BusyError, sqlState } from './transactions.ts';

export const USER_ERROR_CODES = new Set([
  'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'NOT_FOUND', 'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE', 'RATE_LIMITED', 'COST_LIMIT', 'RESPONSE_TOO_LARGE', 'UNAUTHENTICATED', 'FORBIDDEN', 'SERVER_BUSY', 'TIMEOUT',
  'IMPORT_STALE', 'IMPORT_STATE', 'IMPORT_CONFLICT', 'IMPORT_INVALID', 'STALE_VERSION', 'REPORT_MODERATED',
  'PASSWORD_CHANGE_REQUIRED', 'USERNAME_TAKEN', 'LAST_ADMIN',
]);

/** What one HTTP request carries through every async step: its language and the id quoted in logs and errors. */
export interface RequestScope { lang: Lang; id: string }
export const requestScope = new AsyncLocalStorage<RequestScope>();
export const newRequestId = () => randomBytes(6).toString('base64url');
export const currentLang = (): Lang => requestScope.getStore()?.lang ?? 'vi';

export function userError(lang: Lang, key: string, vars: Record<string, unknown> = {}, code = 'BAD_USER_INPUT'): GraphQLError {
  return new GraphQLError(translator(lang)(key, vars) as string, { extensions: { code, reason: key.replace(/^error\./, '') } });
}

/** Maps a PostGIS input error to a translated GraphQL error; rethrows anything else. */
export function rethrowSpatial(lang: Lang, err: unknown): never {
  if (err instanceof PostgisInputError && err.code === 'INVALID_BBOX') throw userError(lang, 'error.invalidBbox');
  if (err instanceof PostgisInputError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', reason: err.code } });
  throw err;
}

/** At most this much of one error goes to the log: an input echoed in a message (a 1 MB cursor) is cut. */
const LOG_MAX = 2000;
export function clip(text: string, max = LOG_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
/** One log line (and a few stack frames) for an unexpected error, under the request's id. */
export function logUnexpected(where: string, error: unknown): void {
  const e = error as { originalError?: Error } & Error;
  const inner = e?.originalError ?? e;
  const frames = (inner?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 8).join('\n');
  console.error(`[${where}] request ${requestScope.getStore()?.id ?? '-'}: unexpected error: ${clip(`${inner?.name ?? 'Error'}: ${inner?.message ?? String(inner)}`)}${frames ? `\n${frames}` : ''}`);
}

/**
 * Known failures that surface as plain exceptions from a library: the relay plugin's page arguments and cursors,
 * PostgreSQL refusing a value the client sent (all our SQL is parameterised, so a bad value is the client's),
 * a statement timeout, a pool or queue that is full. Returns the translated error, or null when unknown.
 */
function known(lang: Lang, original: unknown): GraphQLError | null {
  if (original instanceof PothosValidationError) {
    const m = original.message;
    if (/cursor/i.test(m)) return userError(lang, 'error.invalidCursor');
    if (/are not supported at the same time|can only be used in combination/.test(m)) return userError(lang, 'error.pageArgsCombination');
    if (/must be a non-negative integer/.test(m)) return userError(lang, 'error.pageNegative');
    return userError(lang, 'error.invalidArgument');
  }
  if (original instanceof BusyError) return userError(lang, 'error.busy', {}, 'SERVER_BUSY');
  const state = sqlState(original);
  if (state === '57014') return userError(lang, 'error.statementTimeout', {}, 'TIMEOUT');
  if (state === '22021' || state === '22P05') return userError(lang, 'error.nulCharacter');
  if (state === '22003' || state === '22P02' || state === '22001') return userError(lang, 'error.invalidArgument');
  const code = (original as { code?: string })?.code;
  if (code === 'P2024' || code === 'P2028' || state === '53300') return userError(lang, 'error.busy', {}, 'SERVER_BUSY');
  return null;
}

/** formatError: expected codes pass (without stack), known library failures are translated, the rest masked and logged. */
export function maskError(lang: Lang, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (USER_ERROR_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // graphql-js's own errors about the request (variables that cannot be coerced, "too many errors processing
  // variables") carry no code and no original error: they are the client's.
  if (error instanceof GraphQLError && !error.originalError && !code) {
    return { ...formatted, extensions: { code: 'BAD_USER_INPUT' } };
  }
  const original = (error as GraphQLError)?.originalError ?? error;
  const mapped = known(lang, original);
  if (mapped) return { message: mapped.message, extensions: mapped.extensions, ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
  logUnexpected('graphql', error);
  const requestId = requestScope.getStore()?.id;
  return { message: translator(lang)('error.internal', { id: requestId ?? '-' }) as string, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId }, path: formatted.path };
}

/** Sign in first (no session, or an expired one), or this account may not do this: GraphQL errors with a stable code. */
export function authError(lang: Lang, sessionExpired: boolean | 'password', signedIn: boolean): GraphQLError {
  if (signedIn) return userError(lang, 'error.forbidden', {}, 'FORBIDDEN');
  if (sessionExpired === 'password') return userError(lang, 'error.passwordChangeRequired', {}, 'PASSWORD_CHANGE_REQUIRED');
  return userError(lang, sessionExpired ? 'error.sessionExpired' : 'error.notSignedIn', {}, 'UNAUTHENTICATED');
}

export type WorkflowErrorCode =
  | 'NOT_SIGNED_IN' | 'NOT_FOUND' | 'PUBLISHED_IS_FINAL' | 'OUT_OF_ORDER' | 'WRONG_ROLE' | 'OUT_OF_SCOPE' | 'COMMENT_REQUIRED'
  | 'REASON_REQUIRED' | 'STALE_VERSION' | 'INVALID_ANSWERS' | 'INVALID_EVIDENCE' | 'NO_MANAGING_UNIT' | 'ALREADY_CORRECTED'
  | 'INVALID_SCHOOL_YEAR' | 'TEXT_TOO_LONG' | 'BUSY';

/** A refused workflow step: returned in the mutation's result union (typed), never thrown to the client. */
export class WorkflowError extends Error {
  override name = 'WorkflowError';
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
    readonly answerErrors: { code: string; target: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export type AuthErrorCode = 'INVALID_CREDENTIALS' | 'RATE_LIMITED';
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(readonly code: AuthErrorCode, message: string, readonly retryAfterSeconds: number | null = null) {
    super(message);
  }
}
