// Accounts: password hashing (Argon2id through @node-rs/argon2, OWASP's first choice) and the demo accounts,
// one per role, that a seeded database gets so the workflow can be tried at once (listed in the README).
import { hash, verify } from '@node-rs/argon2';
import { sql } from '@edugis/prisma-postgis';
import type { Database } from './connection.ts';

export type Role = 'SCHOOL_STAFF' | 'PRINCIPAL' | 'WARD_STAFF' | 'PROVINCE_STAFF' | 'PLANNER' | 'ADMIN';
export const ROLES: readonly Role[] = ['SCHOOL_STAFF', 'PRINCIPAL', 'WARD_STAFF', 'PROVINCE_STAFF', 'PLANNER', 'ADMIN'];

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

/** Every demo account has this password. Demo accounts are flagged `is_demo`; set EDUGIS_DEMO_ACCOUNTS=0 to skip them. */
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

/** Creates the missing demo accounts (idempotent). Returns the usernames created. */
export async function ensureDemoAccounts(db: Database, log: (line: string) => void = () => {}): Promise<string[]> {
  if (process.env.EDUGIS_DEMO_ACCOUNTS === '0') return [];
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
  const existing = new Set((await db.prisma.user.findMany({ select: { username: true } })).map((u) => u.username));
  const created: string[] = [];
  for (const a of accounts) {
    if (existing.has(a.username)) continue;
    await createAccount(db, { ...a, password: DEMO_PASSWORD, isDemo: true });
    created.push(a.username);
  }
  if (created.length) log(`accounts: created demo accounts ${created.join(', ')} (password "${DEMO_PASSWORD}")`);
  return created;
}
