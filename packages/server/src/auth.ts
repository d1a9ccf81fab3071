// Who is asking: bearer-token sessions (only the token's SHA-256 is stored), login with a rate limit, and the
// scope rules that follow the administrative-unit tree. Workflow decisions themselves live in @edugis/maturity.
import { createHash, randomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { sql } from '@edugis/prisma-postgis';
import { verifyPassword, type Role } from '@edugis/db';
import { prisma } from './db.ts';
import type { Tx } from './transactions.ts';
import { limiter, take } from './shared-state.ts';

export interface Viewer {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  schoolId: string | null;
  unitId: string | null;
  /** Signed in with a one-time password: may only set its own password (and read `me`) until it does. */
  mustChangePassword: boolean;
}

/** Sessions last 8 hours (a working day) unless EDUGIS_SESSION_HOURS says otherwise. */
export const SESSION_HOURS = Number(process.env.EDUGIS_SESSION_HOURS ?? 8) || 8;
/**
 * Sign-in limits. Each attempt reserves its place in all three before any password is hashed (a reservation is
 * atomic, also through Redis), so 30 guesses sent at once get 5 checks, not 30:
 * - 5 failures per account and address in 15 minutes;
 * - 20 failures per account from all addresses in an hour; an address that signed in to the account before
 *   (within 30 days) is exempt, so a stranger guessing cannot lock the account's own people out;
 * - 30 failures per address for all accounts in 15 minutes (behind a reverse proxy, set EDUGIS_TRUST_PROXY so the
 *   address is the client's, not the proxy's; otherwise 30 failures anywhere would lock out every account).
 * A success gives its reservations back and clears the account-and-address count.
 */
export const LOGIN_FAILS_PER_USER = 5;
export const LOGIN_FAILS_PER_ACCOUNT = 20;
export const LOGIN_FAILS_PER_ADDRESS = 30;
const KNOWN_ADDRESS_DAYS = 30;
const failsByUser = limiter('login-account-address', { points: LOGIN_FAILS_PER_USER, duration: 15 * 60 });
const failsByAccount = limiter('login-account', { points: LOGIN_FAILS_PER_ACCOUNT, duration: 60 * 60 });
const failsByAddress = limiter('login-address', { points: LOGIN_FAILS_PER_ADDRESS, duration: 15 * 60 });

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
/** An address as stored with an account it signed in to (never the address itself). */
const addressHash = (userId: string, ip: string) => createHash('sha256').update(`edugis-known-address:${userId}:${ip}`).digest('hex');

// A real hash of a random password: verifying an unknown username costs as much as a known one, so response
// times do not tell which usernames exist.
let decoyHash: Promise<string> | null = null;
const decoy = async () => (decoyHash ??= import('@edugis/db').then((m) => m.hashPassword(randomBytes(16).toString('hex'))));

export type LoginOutcome =
  | { ok: true; token: string; expiresAt: Date; viewer: Viewer }
  | { ok: false; reason: 'INVALID_CREDENTIALS' }
  | { ok: false; reason: 'RATE_LIMITED'; retryAfterSeconds: number };

export async function login(username: string, password: string, ip: string): Promise<LoginOutcome> {
  const name = username.trim().toLowerCase().slice(0, 64);
  const user = await prisma().user.findUnique({ where: { username: name } });
  const known = user
    ? !!(await prisma().loginAddress.findFirst({
      where: { userId: user.id, addressHash: addressHash(user.id, ip), lastSeen: { gt: new Date(Date.now() - KNOWN_ADDRESS_DAYS * 86_400_000) } },
      select: { userId: true },
    }))
    : false;
  // Reserve before hashing; give back what was taken when one of them refuses.
  const reserved: [RateLimiterAbstract, string][] = [];
  const reservations: [RateLimiterAbstract, string][] = [[failsByUser, `${name}|${ip}`], [failsByAddress, ip], ...(known ? [] : [[failsByAccount, name]] as [RateLimiterAbstract, string][])];
  for (const [l, key] of reservations) {
    const wait = await take(l, key);
    if (wait !== null) {
      await Promise.all(reserved.map(([r, k]) => r.reward(k, 1).catch(() => {})));
      return { ok: false, reason: 'RATE_LIMITED', retryAfterSeconds: wait };
    }
    reserved.push([l, key]);
  }
  const valid = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await decoy(), password), false);
  if (!valid || !user) return { ok: false, reason: 'INVALID_CREDENTIALS' };
  await Promise.all([failsByUser.delete(`${name}|${ip}`), failsByAddress.reward(ip, 1), ...(known ? [] : [failsByAccount.reward(name, 1)])].map((p) => p.catch(() => {})));
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await prisma().session.deleteMany({ where: { userId: user.id, expiresAt: { lte: new Date() } } }); // tidy the user's old sessions
  await prisma().session.create({ data: { id: tokenHash(token), userId: user.id, expiresAt } });
  await prisma().$executeRaw(sql`INSERT INTO login_address (user_id, address_hash, last_seen) VALUES (${user.id}, ${addressHash(user.id, ip)}, now())
    ON CONFLICT (user_id, address_hash) DO UPDATE SET last_seen = now()`);
  return { ok: true, token, expiresAt, viewer: toViewer(user) };
}

export async function logout(token: string): Promise<void> {
  await prisma().session.deleteMany({ where: { id: tokenHash(token) } });
}

function toViewer(u: { id: string; username: string; displayName: string; role: string; schoolId: string | null; unitId: string | null; mustChangePassword: boolean }): Viewer {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role as Role, schoolId: u.schoolId, unitId: u.unitId, mustChangePassword: u.mustChangePassword };
}

/** The stored id of a session token (for "sign out my other sessions"). */
export const sessionId = (token: string) => tokenHash(token);

/** The viewer of a bearer token: null without one; 'expired' for an unknown, expired or disabled one. */
export async function viewerForToken(token: string | null): Promise<Viewer | null | 'expired'> {
  if (!token) return null;
  const session = await prisma().session.findUnique({ where: { id: tokenHash(token) }, include: { user: true } });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabled) return 'expired';
  return toViewer(session.user);
}

export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return m ? m[1]! : null;
}

export interface SchoolPlace {
  schoolId: string;
  wardId: string | null;
  provinceId: string | null;
  /** The unit that reviews, evaluates and publishes this school's results (management_rule), or null. */
  managingUnitId: string | null;
}

/**
 * Where schools sit in the unit tree and who manages them, in one query. Inside a write transaction pass its
 * client: a read through the global client would wait on the transaction that waits on it (PGlite) or take a
 * second connection (PostgreSQL).
 */
export async function schoolPlaces(schoolIds: readonly string[], client: Pick<Tx, '$queryRaw'> = prisma()): Promise<Map<string, SchoolPlace>> {
  const rows = await client.$queryRaw<{ school_id: string; ward_id: string | null; province_id: string | null; managing_unit_id: string | null }[]>(sql`
    SELECT s.id AS school_id, w.id AS ward_id, w.parent_id AS province_id,
           CASE WHEN EXISTS (SELECT 1 FROM management_rule r WHERE r.school_level = ANY (s.levels) AND r.managing_level = 'PROVINCE')
                THEN w.parent_id ELSE w.id END AS managing_unit_id
    FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id
    WHERE s.id = ANY (${[...schoolIds]}::text[])`);
  return new Map(rows.map((r) => [r.school_id, { schoolId: r.school_id, wardId: r.ward_id, provinceId: r.province_id, managingUnitId: r.managing_unit_id }]));
}

/** A per-request loader of school places: every lookup made in one tick goes out as one query. */
export const placesLoader = () => new DataLoader<string, SchoolPlace | undefined>(async (ids) => {
  const m = await schoolPlaces(ids);
  return ids.map((id) => m.get(id));
});

/**
 * May the viewer see a school's unpublished assessments (drafts, answers, evidence, audit log)? Its own staff;
 * ward staff for schools in their ward; province staff for schools in their province; admins. Planners and
 * anonymous visitors see published results only.
 */
export function canSeeDrafts(viewer: Viewer | null, place: SchoolPlace): boolean {
  if (!viewer) return false;
  switch (viewer.role) {
    case 'SCHOOL_STAFF':
    case 'PRINCIPAL':
      return viewer.schoolId === place.schoolId;
    case 'WARD_STAFF':
      return viewer.unitId !== null && viewer.unitId === place.wardId;
    case 'PROVINCE_STAFF':
      return viewer.unitId !== null && viewer.unitId === place.provinceId;
    case 'ADMIN':
      return true;
    default:
      return false;
  }
}

/** The context of an anonymous request (benchmarks and scripts that run GraphQL in-process). */
export const anonymousContext = (lang: 'vi' | 'en' = 'vi') => ({ lang, ip: '127.0.0.1', viewer: null, passwordChange: null, sessionExpired: false, token: null, places: placesLoader(), memo: new Map() });
