// The zero-setup default: no DATABASE_URL, an embedded PostGIS (PGlite) in a local folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccounts, migrate, openEmbedded, seed, tableCounts, type Database } from '@edugis/db';
import { startServer, type RunningServer } from '../src/index.ts';
import { gql } from './support.ts';

describe('embedded PostGIS (PGlite)', () => {
  let dir: string;
  let db: Database;
  let server: RunningServer;
  let counts: Record<string, number>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edugis-pglite-'));
    db = await openEmbedded(dir);
    await migrate(db.raw);
    await seed(db);
    await ensureDemoAccounts(db); // as pnpm start does
    counts = await tableCounts(db);
    server = await startServer(db, { port: 0, host: '127.0.0.1' });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates and seeds the same data as on a PostgreSQL server', () => {
    expect(counts).toMatchObject({ data_source: 16, admin_unit: 4394, admin_unit_crosswalk: 1289 });
    expect(counts.school).toBeGreaterThan(2300);
    expect(counts.enrollment_zone).toBeGreaterThan(1000);
  });

  it('answers /healthz green, naming the embedded database', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'ok', kind: 'embedded', seeded: true } });
  });

  it('serves GraphQL spatial filters from the embedded database', async () => {
    const { body } = await gql(server.url, `{ schools(first: 3, bbox: [106.69, 10.77, 106.71, 10.79]) { totalCount edges { node { location { longitude } } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.schools.totalCount).toBeGreaterThan(10);
    expect(body.data.schools.edges[0].node.location.longitude).toBeGreaterThan(106.69);
  });

  it('answers the analytics and signs a demo account in, on the embedded database too', async () => {
    const { body } = await gql(server.url, `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", unitCodes: ["26740", "26743"]) { unit { code } publishedCount medianGroup1Score }
      coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { coveredShare } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.maturityByUnit.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['26740', '26743']);
    expect(body.data.maturityByUnit[0].publishedCount).toBeGreaterThan(5);
    expect(body.data.coverage).toHaveLength(168);
    // Catchment quality is refused with a clear message rather than failing mid-overlay (PGlite's GEOS; migration 0008).
    const cq = await gql(server.url, `{ catchmentQuality(provinceCode: "79", schoolYear: "2026-2027", entryGrade: 1) { gaps { areaKm2 } } }`, {}, 'en');
    expect(cq.body.errors![0]!.message).toMatch(/needs a PostgreSQL server with PostGIS/);
    const login = await gql(server.url, `mutation { login(username: "demo.phuong", password: "edugis-demo") { __typename } }`);
    expect(login.body.data.login.__typename).toBe('MutationLoginSuccess');
  });

  it('keeps its data in the folder: reopening finds it seeded, and a second seed changes nothing', async () => {
    await server.close();
    await db.close();
    db = await openEmbedded(dir);
    expect((await seed(db)).skipped).toBe(true);
    expect(await tableCounts(db)).toEqual(counts);
    server = await startServer(db, { port: 0, host: '127.0.0.1' });
  });
});
