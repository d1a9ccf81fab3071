// Accounts and sessions: sign in (rate-limited), sign out, and who am I. Tokens are bearer tokens sent as
// `Authorization: Bearer …`; only their SHA-256 is stored, and they expire (auth.SESSION_HOURS).
import { ROLES, type Role } from '@edugis/db';
import { builder } from '../builder.ts';
import { login, logout, type Viewer } from '../auth.ts';
import { AuthError } from '../errors.ts';
import { translator } from '../i18n.ts';
import { prisma } from '../db.ts';

export const RoleEnum = builder.enumType('Role', {
  description: 'SCHOOL_STAFF (their school), PRINCIPAL (approves and submits for their school), WARD_STAFF and PROVINCE_STAFF (review, evaluate and publish for the schools their unit manages), PLANNER (reads analytics and published results), ADMIN.',
  values: ROLES as unknown as readonly Role[],
});

export const Account = builder.objectRef<Viewer>('Account').implement({
  description: 'A signed-in person.',
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    displayName: t.exposeString('displayName'),
    role: t.expose('role', { type: RoleEnum }),
    mustChangePassword: t.exposeBoolean('mustChangePassword', {
      description: 'Signed in with a one-time password: it must set its own (changePassword) before anything else answers.',
    }),
    school: t.prismaField({
      type: 'School',
      nullable: true,
      description: 'The school of school staff and principals.',
      resolve: (query, v) => (v.schoolId ? prisma().school.findUnique({ ...query, where: { id: v.schoolId } }) : null),
    }),
    unit: t.prismaField({
      type: 'AdminUnit',
      nullable: true,
      description: 'The ward/commune or province whose schools ward and province staff manage.',
      resolve: (query, v) => (v.unitId ? prisma().adminUnit.findUnique({ ...query, where: { id: v.unitId } }) : null),
    }),
  }),
});

builder.objectType(AuthError, {
  name: 'AuthError',
  description: 'Sign-in refused: INVALID_CREDENTIALS, or RATE_LIMITED after too many failures (retryAfterSeconds).',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { nullable: true }),
  }),
});

const SessionRef = builder.objectRef<{ token: string; expiresAt: Date; viewer: Viewer }>('Session').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send as "Authorization: Bearer <token>".' }),
    expiresAt: t.string({ resolve: (s) => s.expiresAt.toISOString() }),
    account: t.field({ type: Account, resolve: (s) => s.viewer }),
  }),
});

builder.queryField('me', (t) =>
  t.field({ type: Account, nullable: true, description: 'The signed-in account; null when anonymous or the session expired.', resolve: (_r, _a, ctx) => ctx.viewer ?? ctx.passwordChange }),
);

builder.mutationFields((t) => ({
  login: t.field({
    type: SessionRef,
    complexity: 20, // an Argon2id verification
    description: 'Signs in. Five failed attempts for a username from one address in 15 minutes block it for the rest of that window; 20 failures ' +
      'for a username from addresses it never signed in from block those addresses for an hour; 30 failures from one address block it for 15 minutes.',
    errors: { types: [AuthError] },
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_r, { username, password }, ctx) => {
      const tr = translator(ctx.lang);
      const out = await login(username.slice(0, 200), password.slice(0, 200), ctx.ip);
      if (out.ok) return out;
      if (out.reason === 'RATE_LIMITED') {
        throw new AuthError('RATE_LIMITED', tr('error.loginRateLimited', { minutes: Math.ceil(out.retryAfterSeconds / 60) }) as string, out.retryAfterSeconds);
      }
      throw new AuthError('INVALID_CREDENTIALS', tr('error.invalidCredentials') as string);
    },
  }),
  logout: t.boolean({
    description: 'Ends the session of the bearer token sent with the request.',
    resolve: async (_r, _a, ctx) => {
      if (ctx.token) await logout(ctx.token);
      return true;
    },
  }),
}));
