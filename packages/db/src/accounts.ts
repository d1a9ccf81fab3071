// Accounts: password hashing (Argon2id through @node-rs/argon2, OWASP's first choice) and the demo accounts,
// one per role, that a seeded database gets so the workflow can be tried at once (listed in the README).
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
