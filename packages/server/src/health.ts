// Health, for people and for orchestrators. /livez: the process answers (restart it when not). /readyz: it can
// serve now (database reachable, not shutting down; take it out of the load balancer when not). /healthz: the
// details a person reads: database, PostGIS, data, where limits are kept, and loudly, demo accounts with the
// public password.
import { sql } from '@edugis/prisma-postgis';
import type { Database } from '@edugis/db';
import { sharedStateKind } from './shared-state.ts';

export async function health(db: Database, state: { draining: boolean } = { draining: false }) {
  try {
    const [row] = await db.prisma.$queryRaw<{ postgis: string; seeded: boolean; synthetic_only: boolean | null; demo: string[] | null }[]>(sql`
      SELECT postgis_lib_version() AS postgis, EXISTS (SELECT 1 FROM seed_state) AS seeded,
             (SELECT synthetic_only FROM seed_state WHERE id = 1) AS synthetic_only,
             (SELECT array_agg(username ORDER BY username) FROM app_user WHERE is_demo AND NOT disabled) AS demo`);
    const demo = row!.demo ?? [];
    return {
      ok: !state.draining,
      body: {
        status: state.draining ? 'draining' : 'ok',
        database: {
          status: 'ok', kind: db.kind, postgis: row!.postgis, seeded: row!.seeded, syntheticOnly: row!.synthetic_only,
          // The role requests run as: the application's (migration 0012), or the owner's when it is not available.
          role: db.role ?? 'owner',
        },
        limits: sharedStateKind(),
        demoAccounts: demo.length
          ? { count: demo.length, usernames: demo, warning: 'Demo accounts with the public password "edugis-demo" exist: anyone can sign in as them. Delete or disable them before real use.' }
          : { count: 0 },
      },
    };
  } catch (err) {
    console.error('[healthz] database check failed:', (err as Error).message);
    return { ok: false, body: { status: 'error', database: { status: 'down', kind: db.kind } } };
  }
}

/** Ready to serve: the database answers a trivial query and the server is not shutting down. */
export async function ready(db: Database, state: { draining: boolean }): Promise<boolean> {
  if (state.draining) return false;
  try {
    await db.prisma.$queryRaw(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
