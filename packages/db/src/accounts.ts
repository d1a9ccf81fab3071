// Accounts: password hashing (Argon2id through @node-rs/argon2, OWASP's first choice) and the demo accounts,
// one per role, that a seeded database gets so the workflow can be tried at once (listed in the README).
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { sql } from '@edugis/prisma-postgis';
import type { Database } from './connection.ts';

export type Role = 'SCHOOL_STAFF' | 'PRINCIPAL' | 'WARD_STAFF' | 'PROVINCE_STAFF' | 'PLANNER' | 'ADMIN';
export const ROLES: readonly Role[] = ['SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF', 'PLANNER', 'ADMIN'];

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

/** Every demo account has this password. Demo accounts are flagged `is_demo`; see demoAccountsWanted for when they exist. */
export const DEMO_PASSWORD = 'edugis-demo';

export interface NewAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
  schoolId?: string | null;
  unitId?: string | null;
  isDemo?: boolean;
}

export async function createAccount(db: Database, a: NewAccount): Promise<void> {
  await db.prisma.user.create({
    data: {
      id: a.id, username: a.username, displayName: a.displayName, role: a.role, passwordHash: await hashPassword(a.password),
      schoolId: a.schoolId ?? null, unitId: a.unitId ?? null, isDemo: a.isDemo ?? false,
    },
  });
}

/**
 * The demo school is a public, primary-only school (managed by its ward), in Phường Sài Gòn (26740) when the
 * real HCMC data is loaded, otherwise the first such school; its ward and province get the authority accounts.
 */
export async function demoScope(db: Database): Promise<{ schoolId: string; wardId: string; provinceId: string } | null> {
  const [row] = await db.prisma.$queryRaw<{ school_id: string; ward_id: string; province_id: string }[]>(sql`
    SELECT s.id AS school_id, w.id AS ward_id, w.parent_id AS province_id
    FROM school s JOIN admin_unit w ON w.id = s.ward_id
    WHERE s.levels = ARRAY['PRIMARY']::"SchoolLevel"[] AND s.ownership = 'PUBLIC' AND w.parent_id IS NOT NULL
    ORDER BY (w.code = '26740') DESC, s.id LIMIT 1`);
  return row ? { schoolId: row.school_id, wardId: row.ward_id, provinceId: row.province_id } : null;
}

/**
 * Whether this database should get the demo accounts: EDUGIS_DEMO_ACCOUNTS=1 or 0 decides; otherwise only the
 * embedded quick start gets them (never with NODE_ENV=production, never on a PostgreSQL server unless asked).
 */
export function demoAccountsWanted(kind: Database['kind'], env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.EDUGIS_DEMO_ACCOUNTS === '1') return true;
  if (env.EDUGIS_DEMO_ACCOUNTS === '0') return false;
  if (env.NODE_ENV === 'production') return false;
  return kind === 'embedded';
}

/** The demo accounts that exist now (usernames), for /healthz and the start log. */
export async function demoAccounts(db: Database): Promise<string[]> {
  return (await db.prisma.user.findMany({ where: { isDemo: true, disabled: false }, select: { username: true }, orderBy: { username: 'asc' } })).map((u) => u.username);
}

/**
 * Creates the demo accounts once per database, when wanted (see demoAccountsWanted, or `enabled`). Once created
 * they are never created again, even if an operator deleted them. Returns the usernames created now.
 */
export async function ensureDemoAccounts(
  db: Database, opts: { enabled?: boolean; log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  if (!(opts.enabled ?? demoAccountsWanted(db.kind, opts.env))) return [];
  if (await db.prisma.demoAccountsState.findUnique({ where: { id: 1 } })) return [];
  const scope = await demoScope(db);
  if (!scope) return [];
  const accounts: Omit<NewAccount, 'password' | 'isDemo'>[] = [
    { id: 'demo-school-staff', username: 'demo.canbo', displayName: 'Cán bộ trường (demo)', role: 'SCHOOL_STAFF', schoolId: scope.schoolId },
    { id: 'demo-principal', username: 'demo.hieutruong', displayName: 'Hiệu trưởng (demo)', role: 'PRINCIPAL', schoolId: scope.schoolId },
    { id: 'demo-ward-staff', username: 'demo.phuong', displayName: 'Cán bộ văn hóa – xã hội phường (demo)', role: 'WARD_STAFF', unitId: scope.wardId },
    { id: 'demo-province-staff', username: 'demo.so', displayName: 'Chuyên viên Sở GDĐT (demo)', role: 'PROVINCE_STAFF', unitId: scope.provinceId },
    { id: 'demo-planner', username: 'demo.quyhoach', displayName: 'Cán bộ quy hoạch (demo)', role: 'PLANNER' },
    { id: 'demo-admin', username: 'demo.quantri', displayName: 'Quản trị hệ thống (demo)', role: 'ADMIN' },
  ];
  const hashes = await Promise.all(accounts.map(() => hashPassword(DEMO_PASSWORD)));
  // All or none, and once: two servers starting at once both get here; the marker row's key lets one win.
  const created = await db.prisma.$transaction(async (tx) => {
    const marked = await tx.$executeRaw(sql`INSERT INTO demo_accounts_state (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
    if (marked === 0) return [];
    const existing = new Set((await tx.user.findMany({ select: { username: true } })).map((u) => u.username));
    const fresh = accounts.map((a, i) => ({ a, hash: hashes[i]! })).filter(({ a }) => !existing.has(a.username));
    await tx.user.createMany({
      data: fresh.map(({ a, hash }) => ({
        id: a.id, username: a.username, displayName: a.displayName, role: a.role, passwordHash: hash,
        schoolId: a.schoolId ?? null, unitId: a.unitId ?? null, isDemo: true,
      })),
    });
    return fresh.map(({ a }) => a.username);
  });
  if (created.length) log(`accounts: created demo accounts ${created.join(', ')} (password "${DEMO_PASSWORD}")`);
  return created;
}

// ——— Administration (issue 12): one-time passwords, password rules and account scopes, shared by the accounts
// import kind and the GraphQL mutations, so a CSV and the account screen refuse the same things.

/** Usernames: lower-case letters, digits, '.', '_' and '-', 3–64 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;
/** Letters and digits nobody misreads on paper (no 0/o, 1/l/i). */
const OTP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A one-time password to hand over on paper or by phone: 3 groups of 4 (about 59 bits). */
export function oneTimePassword(): string {
  const bytes = randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i++) out += (i && i % 4 === 0 ? '-' : '') + OTP_ALPHABET[bytes[i]! % OTP_ALPHABET.length];
  return out;
}

/** Why a password someone chose is refused (a message key of IMPORT_MESSAGES), or null. */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < MIN_PASSWORD) return 'passwordShort';
  if (password.length > MAX_PASSWORD) return 'passwordLong';
  const p = password.toLowerCase();
  if (p.includes(username.toLowerCase()) || p === DEMO_PASSWORD) return 'passwordGuessable';
  if (new Set(p).size < 4) return 'passwordGuessable';
  return null;
}

/** What scope a role takes: school staff and principals a school, ward staff a ward, province staff a province. */
export const ROLE_SCOPE: Record<Role, 'school' | 'ward' | 'province' | null> = {
  SCHOOL_STAFF: 'school', PRINCIPAL: 'school', WARD_STAFF: 'ward', PROVINCE_STAFF: 'province', PLANNER: null, ADMIN: null,
};

export interface ResolvedScope { schoolId: string | null; unitId: string | null; provinceCode: string | null; label: string | null }
export type ScopeCheck = { ok: true; scope: ResolvedScope } | { ok: false; key: string; values: Record<string, string> };

/**
 * Resolves and checks an account's scope for its role: a school by id or official code, a unit by its code (the
 * ward or province it names must be current). `client` is the caller's transaction when there is one.
 */
export async function resolveScope(
  client: { $queryRaw<T = unknown>(q: ReturnType<typeof sql>): Promise<T> },
  role: Role, given: { school?: string | null; unitCode?: string | null },
): Promise<ScopeCheck> {
  const want = ROLE_SCOPE[role];
  const school = given.school?.trim() || null;
  const unitCode = given.unitCode?.trim() || null;
  if (want === null) {
    return school || unitCode ? { ok: false, key: 'scopeNotTaken', values: { role } } : { ok: true, scope: { schoolId: null, unitId: null, provinceCode: null, label: null } };
  }
  if (want === 'school') {
    if (!school || unitCode) return { ok: false, key: 'scopeNeedsSchool', values: { role } };
    const [s] = await client.$queryRaw<{ id: string; name: string; province_code: string | null }[]>(sql`
      SELECT s.id, s.name, w.province_code FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id
      WHERE s.id = ${school} OR s.official_code = ${school} ORDER BY (s.id = ${school}) DESC LIMIT 1`);
    if (!s) return { ok: false, key: 'scopeUnknownSchool', values: { school: school.slice(0, 60) } };
    return { ok: true, scope: { schoolId: s.id, unitId: null, provinceCode: s.province_code, label: s.name } };
  }
  if (!unitCode || school) return { ok: false, key: want === 'ward' ? 'scopeNeedsWard' : 'scopeNeedsProvince', values: { role } };
  const level = want === 'ward' ? 'WARD' : 'PROVINCE';
  const [u] = await client.$queryRaw<{ id: string; name: string; province_code: string | null; code: string }[]>(sql`
    SELECT id, full_name AS name, code, CASE WHEN level = 'PROVINCE' THEN code ELSE province_code END AS province_code
    FROM admin_unit WHERE code = ${unitCode} AND level = ${level}::"AdminLevel" AND valid_to IS NULL LIMIT 1`);
  if (!u) return { ok: false, key: want === 'ward' ? 'scopeUnknownWard' : 'scopeUnknownProvince', values: { code: unitCode.slice(0, 20) } };
  return { ok: true, scope: { schoolId: null, unitId: u.id, provinceCode: u.province_code, label: u.name } };
}
