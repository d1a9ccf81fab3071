// Expected failures carry a stable code and a translated message; anything else is masked by formatError.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { PostgisInputError } from '@edugis/prisma-postgis';
import { translator, type Lang } from './i18n.ts';

export const USER_ERROR_CODES = new Set([
  'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'NOT_FOUND', 'PERSISTED_QUERY_NOT_FOUND', 'RATE_LIMITED',
  'UNAUTHENTICATED', 'FORBIDDEN',
]);

export function userError(lang: Lang, key: string, vars: Record<string, unknown> = {}, code = 'BAD_USER_INPUT'): GraphQLError {
  return new GraphQLError(translator(lang)(key, vars) as string, { extensions: { code, reason: key.replace(/^error\./, '') } });
}

/** Maps a PostGIS input error to a translated GraphQL error; rethrows anything else. */
export function rethrowSpatial(lang: Lang, err: unknown): never {
  if (err instanceof PostgisInputError && err.code === 'INVALID_BBOX') throw userError(lang, 'error.invalidBbox');
  if (err instanceof PostgisInputError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', reason: err.code } });
  throw err;
}

/** Never a stack trace or SQL text for the client: unexpected errors become one translated line, logged here. */
export function maskError(lang: Lang, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? '');
  if (USER_ERROR_CODES.has(code)) {
    const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  console.error('[graphql] unexpected error:', error);
  return { message: translator(lang)('error.internal') as string, extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
}

/** Sign in first (no session, or an expired one), or this account may not do this: GraphQL errors with a stable code. */
export function authError(lang: Lang, sessionExpired: boolean, signedIn: boolean): GraphQLError {
  if (signedIn) return userError(lang, 'error.forbidden', {}, 'FORBIDDEN');
  return userError(lang, sessionExpired ? 'error.sessionExpired' : 'error.notSignedIn', {}, 'UNAUTHENTICATED');
}

export type WorkflowErrorCode =
  | 'NOT_SIGNED_IN' | 'NOT_FOUND' | 'PUBLISHED_IS_FINAL' | 'OUT_OF_ORDER' | 'WRONG_ROLE' | 'OUT_OF_SCOPE' | 'COMMENT_REQUIRED'
  | 'REASON_REQUIRED' | 'STALE_VERSION' | 'INVALID_ANSWERS' | 'INVALID_EVIDENCE' | 'NO_MANAGING_UNIT' | 'ALREADY_CORRECTED'
  | 'INVALID_SCHOOL_YEAR' | 'TEXT_TOO_LONG';

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
