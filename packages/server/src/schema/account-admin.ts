// Account administration: admins manage every account; province staff the school, ward and province accounts of
// their province. A new or reset account gets a one-time password, answered once and never stored in clear; it must
// set its own before anything else (auth.ts, app.ts). Nobody disables or re-roles themselves, and the last active
// admin cannot be disabled or demoted. Every change is kept in account_change by the database (migration 0017).
import { sql } from '@edugis/prisma-postgis';
import {
  describeIssue, hashPassword, oneTimePassword, passwordProblem, resolveScope, ROLE_SCOPE, USERNAME_PATTERN, verifyPassword,
  type ResolvedScope, type Role,
} from '@edugis/db';
import type { Prisma } from '@edugis/db';
import { GraphQLError } from 'graphql';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { LOGIN_FAILS_PER_USER, sessionId, type Viewer } from '../auth.ts';
import { authError, userError } from '../errors.ts';
import { limiter, take } from '../shared-state.ts';
import { writeTransaction, type Tx } from '../transactions.ts';
import { Account, RoleEnum } from './account.ts';

const PROVINCE_ROLES = new Set<Role>(['SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF']);
const MAX_NAME = 200;
/** Wrong current passwords given to changePassword: five per account in 15 minutes, as at sign-in. */
const wrongCurrent = limiter('password-change', { points: LOGIN_FAILS_PER_USER, duration: 15 * 60 });

interface Target { id: string; username: string; role: Role; disabled: boolean; province_code: string | null }

/** The province code a province officer administers, or null for an admin (everything). Anyone else is refused. */
async function adminScope(ctx: Context): Promise<{ v: Viewer; province: string | null }> {
  const v = ctx.viewer;
  if (!v) throw authError(ctx.lang, ctx.sessionExpired, false);
  if (v.role === 'ADMIN') return { v, province: null };
  if (v.role === 'PROVINCE_STAFF' && v.unitId) {
    const [u] = await prisma().$queryRaw<{ code: string }[]>(sql`SELECT code FROM admin_unit WHERE id = ${v.unitId}`);
    if (u) return { v, province: u.code };
  }
  throw userError(ctx.lang, 'error.accountAdminRole', {}, 'FORBIDDEN');
}

const scopeError = (ctx: Context, key: string, values: Record<string, string> = {}) =>
  new GraphQLError(describeIssue({ key, values }, ctx.lang), { extensions: { code: 'BAD_USER_INPUT', reason: key } });

/** May this administrator give `role` with a scope in `provinceCode`? */
function mayAssign(ctx: Context, province: string | null, role: Role, provinceCode: string | null): void {
  if (province === null) return;
  if (!PROVINCE_ROLES.has(role)) throw userError(ctx.lang, 'error.accountRoleNotAllowed', { role }, 'FORBIDDEN');
  if (provinceCode !== province) throw userError(ctx.lang, 'error.accountOutOfScope', {}, 'FORBIDDEN');
}

/** The account, locked for this transaction, when the administrator may manage it; NOT_FOUND otherwise (no leak). */
async function lockTarget(tx: Tx, ctx: Context, province: string | null, id: string): Promise<Target> {
  const [t] = await tx.$queryRaw<Target[]>(sql`
    SELECT u.id, u.username, u.role, u.disabled, coalesce(uu.province_code, sw.province_code) AS province_code
    FROM app_user u LEFT JOIN admin_unit uu ON uu.id = u.unit_id
      LEFT JOIN school s ON s.id = u.school_id LEFT JOIN admin_unit sw ON sw.id = s.ward_id
    WHERE u.id = ${id} FOR UPDATE OF u`);
  if (!t || (province !== null && (!PROVINCE_ROLES.has(t.role) || t.province_code !== province))) {
    throw userError(ctx.lang, 'error.accountNotFound', { id: id.slice(0, 60) }, 'NOT_FOUND');
  }
  return t;
}

/** Refuses a change that would leave no active admin. Locks the admins' rows, so two such changes queue. */
async function keepOneAdmin(tx: Tx, ctx: Context, t: Target): Promise<void> {
  if (t.role !== 'ADMIN' || t.disabled) return;
  const admins = await tx.$queryRaw<{ id: string }[]>(sql`SELECT id FROM app_user WHERE role = 'ADMIN' AND NOT disabled ORDER BY id FOR UPDATE`);
  if (admins.filter((a) => a.id !== t.id).length === 0) throw userError(ctx.lang, 'error.lastAdmin', {}, 'LAST_ADMIN');
}

const actor = (tx: Tx, v: Viewer) => tx.$executeRaw(sql`SELECT set_config('edugis.actor', ${v.id}, true), set_config('edugis.import', '', true)`);

async function checkScope(ctx: Context, role: Role, scope: string | null | undefined, client: Pick<Tx, '$queryRaw'> = prisma()): Promise<ResolvedScope> {
  const given = ROLE_SCOPE[role] === 'school' ? { school: scope ?? null } : { unitCode: scope ?? null };
  const checked = await resolveScope(client, role, given);
  if (!checked.ok) throw scopeError(ctx, checked.key, checked.values);
  return checked.scope;
}

function checkName(ctx: Context, name: string): string {
  const n = name.normalize('NFC').trim();
  if (!n || n.length > MAX_NAME) throw userError(ctx.lang, 'error.accountName', { max: MAX_NAME });
  return n;
}

export const ManagedAccount = builder.prismaObject('User', {
  name: 'ManagedAccount',
  description: 'An account as its administrators see it (never its password).',
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    displayName: t.exposeString('displayName'),
    role: t.field({ type: RoleEnum, resolve: (u) => u.role as Role }),
    school: t.relation('school', { nullable: true, description: 'The school of school staff and principals.' }),
    unit: t.relation('unit', { nullable: true, description: 'The ward or province of ward and province staff.' }),
    disabled: t.exposeBoolean('disabled', { description: 'A disabled account cannot sign in; its sessions were ended.' }),
    isDemo: t.exposeBoolean('isDemo'),
    mustChangePassword: t.exposeBoolean('mustChangePassword', { description: 'It holds a one-time password and must set its own at its next sign-in.' }),
    passwordChangedAt: t.string({ nullable: true, resolve: (u) => u.passwordChangedAt?.toISOString() ?? null }),
    createdAt: t.string({ resolve: (u) => u.createdAt.toISOString() }),
  }),
});

const WithPassword = builder.objectRef<{ account: { id: string }; oneTimePassword: string }>('AccountWithPassword').implement({
  description: 'An account and its one-time password: shown this once, stored nowhere in clear. Hand it to its person; they set their own at first sign-in.',
  fields: (t) => ({
    account: t.prismaField({ type: ManagedAccount, resolve: (query, r) => prisma().user.findUniqueOrThrow({ ...query, where: { id: r.account.id } }) }),
    oneTimePassword: t.exposeString('oneTimePassword'),
  }),
});

interface AccountChangeRow { id: bigint; operation: string; before: unknown; after: unknown; actor_name: string | null; import_id: string | null; changed_at: Date }
const AccountChangeRef = builder.objectRef<AccountChangeRow>('AccountChange').implement({
  description: 'One change to an account: its state before and after as JSON (never a password; a set or reset shows as passwordChangedAt/mustChangePassword).',
  fields: (t) => ({
    operation: t.exposeString('operation'),
    before: t.string({ nullable: true, resolve: (c) => (c.before ? JSON.stringify(c.before) : null) }),
    after: t.string({ nullable: true, resolve: (c) => (c.after ? JSON.stringify(c.after) : null) }),
    actorName: t.string({ nullable: true, resolve: (c) => c.actor_name }),
    importId: t.string({ nullable: true, resolve: (c) => c.import_id }),
    changedAt: t.string({ resolve: (c) => c.changed_at.toISOString() }),
  }),
});

builder.queryFields((t) => ({
  accounts: t.prismaField({
    type: [ManagedAccount],
    description: 'Accounts the viewer administers (admins: all; province staff: school, ward and province accounts of their province), ' +
      'by username; `search` matches username or name. At most 200 from `offset`.',
    args: {
      search: t.arg.string({ required: false }),
      role: t.arg({ type: RoleEnum, required: false }),
      includeDisabled: t.arg.boolean({ required: false, defaultValue: true }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
      offset: t.arg.int({ required: false, defaultValue: 0 }),
    },
    resolve: async (query, _r, args, ctx) => {
      const { province } = await adminScope(ctx);
      const first = args.first ?? 50;
      const offset = args.offset ?? 0;
      if (first < 1 || first > 200) throw userError(ctx.lang, 'error.pageSize', { max: 200 });
      if (offset < 0 || offset > 1_000_000) throw userError(ctx.lang, 'error.invalidArgument');
      const search = args.search?.normalize('NFC').trim().slice(0, 100);
      const and: Prisma.UserWhereInput[] = [];
      if (args.role) and.push({ role: args.role });
      if (args.includeDisabled === false) and.push({ disabled: false });
      if (search) and.push({ OR: [{ username: { contains: search.toLowerCase() } }, { displayName: { contains: search, mode: 'insensitive' } }] });
      if (province !== null) {
        and.push({ role: { in: [...PROVINCE_ROLES] } });
        and.push({ OR: [{ unit: { provinceCode: province } }, { school: { ward: { provinceCode: province } } }] });
      }
      return prisma().user.findMany({
        ...query,
        where: { AND: and },
        orderBy: { username: 'asc' }, take: first, skip: offset,
      });
    },
  }),
  accountHistory: t.field({
    type: [AccountChangeRef],
    description: 'The changes to one account, newest first (at most 200).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const { province } = await adminScope(ctx);
      await lockTargetRead(ctx, province, String(args.id));
      return prisma().$queryRaw<AccountChangeRow[]>(sql`
        SELECT c.id, c.operation, c.before, c.after, a.display_name AS actor_name, c.import_id, c.changed_at
        FROM account_change c LEFT JOIN app_user a ON a.id = c.actor_id
        WHERE c.user_id = ${String(args.id)} ORDER BY c.changed_at DESC, c.id DESC LIMIT 200`);
    },
  }),
}));

/** lockTarget outside a transaction: the same check, without the lock. */
async function lockTargetRead(ctx: Context, province: string | null, id: string): Promise<Target> {
  return lockTarget(prisma() as unknown as Tx, ctx, province, id);
}

const AccountInput = builder.inputType('NewAccountInput', {
  fields: (t) => ({
    username: t.string({ required: true, description: '3–64 characters: lower-case letters, digits, ".", "_", "-".' }),
    displayName: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
    scope: t.string({ required: false, description: 'A school id or official code (school staff, principals), a ward code (ward staff), a province code (province staff); none for planners and admins.' }),
  }),
});

const AccountChangeInput = builder.inputType('AccountChangeInput', {
  description: 'What to change; a field left out is kept. A new role needs its scope (`scope`).',
  fields: (t) => ({
    displayName: t.string({ required: false }),
    role: t.field({ type: RoleEnum, required: false }),
    scope: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createAccount: t.field({
    type: WithPassword,
    complexity: 20,
    description: 'Creates an account with a one-time password (answered once). Refused USERNAME_TAKEN when the username exists.',
    args: { input: t.arg({ type: AccountInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { v, province } = await adminScope(ctx);
      const username = input.username.trim().toLowerCase();
      if (!USERNAME_PATTERN.test(username)) throw userError(ctx.lang, 'error.accountUsername');
      const name = checkName(ctx, input.displayName);
      const role = input.role as Role;
      const scope = await checkScope(ctx, role, input.scope);
      mayAssign(ctx, province, role, scope.provinceCode);
      const password = oneTimePassword();
      const passwordHash = await hashPassword(password); // outside the transaction: Argon2 takes a while
      const id = `u-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      const created = await writeTransaction(async (tx) => {
        await actor(tx, v);
        return tx.$queryRaw<{ id: string }[]>(sql`
          INSERT INTO app_user (id, username, display_name, role, password_hash, school_id, unit_id, must_change_password, created_by)
          VALUES (${id}, ${username}, ${name}, ${role}, ${passwordHash}, ${scope.schoolId}, ${scope.unitId}, true, ${v.id})
          ON CONFLICT (username) DO NOTHING RETURNING id`);
      });
      if (!created.length) throw userError(ctx.lang, 'error.usernameTaken', { username }, 'USERNAME_TAKEN');
      return { account: { id }, oneTimePassword: password };
    },
  }),
  updateAccount: t.prismaField({
    type: ManagedAccount,
    description: 'Changes an account\'s name, role or scope. Nobody changes their own role or scope; the last active admin stays admin.',
    args: { id: t.arg.id({ required: true }), changes: t.arg({ type: AccountChangeInput, required: true }) },
    resolve: async (query, _r, { id, changes }, ctx) => {
      const { v, province } = await adminScope(ctx);
      const name = changes.displayName != null ? checkName(ctx, changes.displayName) : null;
      await writeTransaction(async (tx) => {
        const t0 = await lockTarget(tx, ctx, province, String(id));
        const role = (changes.role ?? t0.role) as Role;
        const scopeGiven = changes.scope !== undefined || changes.role != null;
        if (scopeGiven && t0.id === v.id) throw userError(ctx.lang, 'error.accountSelf', {}, 'FORBIDDEN');
        let scope: ResolvedScope | null = null;
        if (scopeGiven) {
          scope = await checkScope(ctx, role, changes.scope, tx);
          mayAssign(ctx, province, role, scope.provinceCode);
          if (role !== 'ADMIN') await keepOneAdmin(tx, ctx, t0);
        }
        await actor(tx, v);
        await tx.$executeRaw(sql`
          UPDATE app_user SET display_name = coalesce(${name}, display_name),
            role = CASE WHEN ${scopeGiven} THEN ${role} ELSE role END,
            school_id = CASE WHEN ${scopeGiven} THEN ${scope?.schoolId ?? null} ELSE school_id END,
            unit_id = CASE WHEN ${scopeGiven} THEN ${scope?.unitId ?? null} ELSE unit_id END
          WHERE id = ${t0.id}`);
      });
      return prisma().user.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  setAccountDisabled: t.prismaField({
    type: ManagedAccount,
    description: 'Disables (its sessions end at once) or re-enables an account. Nobody disables themselves; the last active admin stays.',
    args: { id: t.arg.id({ required: true }), disabled: t.arg.boolean({ required: true }) },
    resolve: async (query, _r, { id, disabled }, ctx) => {
      const { v, province } = await adminScope(ctx);
      await writeTransaction(async (tx) => {
        const t0 = await lockTarget(tx, ctx, province, String(id));
        if (t0.id === v.id && disabled) throw userError(ctx.lang, 'error.accountSelf', {}, 'FORBIDDEN');
        if (disabled) await keepOneAdmin(tx, ctx, t0);
        await actor(tx, v);
        await tx.$executeRaw(sql`UPDATE app_user SET disabled = ${disabled} WHERE id = ${t0.id}`);
        if (disabled) await tx.$executeRaw(sql`DELETE FROM user_session WHERE user_id = ${t0.id}`);
      });
      return prisma().user.findUniqueOrThrow({ ...query, where: { id: String(id) } });
    },
  }),
  resetAccountPassword: t.field({
    type: WithPassword,
    complexity: 20,
    description: 'Gives an account a new one-time password (answered once) and ends its sessions; it must set its own at its next sign-in.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) => {
      const { v, province } = await adminScope(ctx);
      const password = oneTimePassword();
      const passwordHash = await hashPassword(password);
      await writeTransaction(async (tx) => {
        const t0 = await lockTarget(tx, ctx, province, String(id));
        await actor(tx, v);
        await tx.$executeRaw(sql`UPDATE app_user SET password_hash = ${passwordHash}, must_change_password = true WHERE id = ${t0.id}`);
        await tx.$executeRaw(sql`DELETE FROM user_session WHERE user_id = ${t0.id}`);
      });
      return { account: { id: String(id) }, oneTimePassword: password };
    },
  }),
  changePassword: t.field({
    type: Account,
    complexity: 20,
    description: 'Sets the signed-in account\'s own password (also the first step after signing in with a one-time password). ' +
      'At least 10 characters, not the username, not the old one. Ends the account\'s other sessions. Five wrong current passwords in 15 minutes block it (RATE_LIMITED) for the rest of that window.',
    args: { currentPassword: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
    resolve: async (_r, { currentPassword, newPassword }, ctx) => {
      const v = ctx.viewer ?? ctx.passwordChange;
      if (!v || !ctx.token) throw authError(ctx.lang, ctx.sessionExpired === true, false);
      const problem = passwordProblem(newPassword, v.username);
      if (problem) throw scopeError(ctx, problem);
      if (newPassword === currentPassword) throw userError(ctx.lang, 'error.passwordSame');
      // A stolen session guessing the current password meets the same wall as a stranger at the sign-in form.
      const wait = await take(wrongCurrent, v.id);
      if (wait !== null) throw userError(ctx.lang, 'error.passwordChangeRateLimited', { minutes: Math.ceil(wait / 60) }, 'RATE_LIMITED');
      const user = await prisma().user.findUniqueOrThrow({ where: { id: v.id }, select: { passwordHash: true } });
      if (!(await verifyPassword(user.passwordHash, currentPassword.slice(0, 200)))) throw userError(ctx.lang, 'error.currentPasswordWrong');
      await wrongCurrent.delete(v.id).catch(() => {});
      const passwordHash = await hashPassword(newPassword);
      const keep = sessionId(ctx.token);
      await writeTransaction(async (tx) => {
        await actor(tx, v);
        await tx.$executeRaw(sql`UPDATE app_user SET password_hash = ${passwordHash}, must_change_password = false,
          password_changed_at = CURRENT_TIMESTAMP WHERE id = ${v.id}`);
        await tx.$executeRaw(sql`DELETE FROM user_session WHERE user_id = ${v.id} AND id <> ${keep}`);
      });
      return { ...v, mustChangePassword: false };
    },
  }),
}));
