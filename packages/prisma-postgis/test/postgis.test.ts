// Every answer is checked against PostGIS computing the same thing the slow, obvious way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@edugis/db/testing';
import { PostgisInputError, postgis, sql } from '../src/index.ts';

type Db = Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let geo: ReturnType<typeof extend>;
const extend = (d: Db) =>
  d.prisma.$extends(postgis({
    models: { school: { table: 'school', column: 'location' }, adminUnit: { table: 'admin_unit', column: 'boundary' } },
  }));

beforeAll(async () => {
  db = await freshDatabase({ seeded: true });
  geo = extend(db);
});
afterAll(() => db.drop());

const POINTS: [number, number][] = [[106.7009, 10.7769], [106.66, 10.76], [106.75, 10.85], [106.62, 10.8], [106.9, 10.95]];

describe('nearest', () => {
  it.each(POINTS)('returns the k nearest of (%f, %f) in exact geodesic order, as a full scan would', async (lng, lat) => {
    const got = await geo.school.nearest({ point: [lng, lat], k: 15 });
    const truth = await db.raw.query<{ id: string; d: number }>(`
      SELECT id, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d
      FROM school ORDER BY d, id LIMIT 15`, [lng, lat]);
    expect(got.map((r) => r.id)).toEqual(truth.map((r) => r.id));
    got.forEach((r, i) => expect(r.distanceMeters).toBeCloseTo(Number(truth[i]!.d), 6));
  });

  it('applies a filter and a maximum distance', async () => {
    const got = await geo.school.nearest({ point: POINTS[0]!, k: 50, maxDistanceMeters: 1500, where: sql`'PRIMARY' = ANY(t.levels) AND t.ownership = 'PUBLIC'` });
    const truth = await db.raw.query<{ id: string }>(`
      SELECT id FROM school WHERE 'PRIMARY' = ANY(levels) AND ownership = 'PUBLIC'
      AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 1500)
      ORDER BY ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id LIMIT 50`, POINTS[0]);
    expect(got.length).toBeGreaterThan(0);
    expect(got.map((r) => r.id)).toEqual(truth.map((r) => r.id));
    expect(got.every((r) => r.distanceMeters <= 1500)).toBe(true);
  });
});

describe('withinDistance', () => {
  it('finds exactly what ST_DWithin on geography finds, nearest first, with metres', async () => {
    const got = await geo.school.withinDistance({ point: POINTS[1]!, meters: 800 });
    const [{ n }] = (await db.raw.query<{ n: number }>(`SELECT count(*)::int n FROM school
      WHERE ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 800)`, POINTS[1])) as [{ n: number }];
    expect(got).toHaveLength(n);
    expect(n).toBeGreaterThan(3);
    for (let i = 1; i < got.length; i++) expect(got[i]!.distanceMeters).toBeGreaterThanOrEqual(got[i - 1]!.distanceMeters);
    expect(got.at(-1)!.distanceMeters).toBeLessThanOrEqual(800);
  });
});

describe('distances', () => {
  it('gives the geodesic metres to each named row in one call', async () => {
    const near = await geo.school.nearest({ point: POINTS[0]!, k: 3 });
    const d = await geo.school.distances({ point: POINTS[0]!, ids: [...near.map((n) => n.id), 'no-such-school'] });
    expect(d.size).toBe(3);
    for (const n of near) expect(d.get(n.id)).toBeCloseTo(n.distanceMeters, 6);
  });
});

describe('containing and intersecting', () => {
  it('finds the ward a school lies in', async () => {
    const [s] = await db.raw.query<{ lng: number; lat: number; ward_id: string }>(`SELECT ST_X(location) lng, ST_Y(location) lat, ward_id FROM school WHERE id = 'osm-node-1606180393'`);
    const ids = await geo.adminUnit.containing({ point: [s!.lng, s!.lat], where: sql`t.level = 'WARD' AND t.valid_to IS NULL` });
    expect(ids).toEqual([s!.ward_id]);
  });

  it('counts a point on a shared border in both wards', async () => {
    // A vertex of Phường Sài Gòn's boundary that a neighbouring ward's polygon also covers: on the border.
    const [shared] = await db.raw.query<{ lng: number; lat: number; a: string; b: string }>(`
      SELECT ST_X(d.geom) lng, ST_Y(d.geom) lat, a.id a, b.id b
      FROM admin_unit a, LATERAL ST_DumpPoints(a.boundary) d, admin_unit b
      WHERE a.code = '26740' AND a.valid_to IS NULL AND b.valid_to IS NULL AND b.level = 'WARD' AND b.id <> a.id
        AND ST_Covers(b.boundary, d.geom) ORDER BY d.path LIMIT 1`);
    expect(shared).toBeDefined();
    const ids = await geo.adminUnit.containing({ point: [shared!.lng, shared!.lat], where: sql`t.valid_to IS NULL AND t.level = 'WARD'` });
    expect(ids).toEqual(expect.arrayContaining([shared!.a, shared!.b]));
  });

  it('intersects a bbox and a GeoJSON polygon like ST_Intersects', async () => {
    const bbox = [106.68, 10.76, 106.72, 10.79] as const;
    const byBox = await geo.school.intersecting({ bbox });
    const [{ n }] = (await db.raw.query<{ n: number }>(`SELECT count(*)::int n FROM school WHERE ST_Intersects(location, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, [...bbox])) as [{ n: number }];
    expect(byBox).toHaveLength(n);
    const triangle = { type: 'Polygon' as const, coordinates: [[[106.68, 10.76], [106.72, 10.76], [106.68, 10.79], [106.68, 10.76]]] };
    const byPoly = await geo.school.intersecting({ geometry: triangle });
    expect(byPoly.length).toBeGreaterThan(0);
    expect(byPoly.length).toBeLessThan(byBox.length);
    expect(byPoly.every((id) => byBox.includes(id))).toBe(true);
  });
});

describe('GeoJSON in and out', () => {
  it('writes a point and reads it back', async () => {
    await db.prisma.school.create({ data: { id: 'test-school', name: 'Test', levels: ['PRIMARY'], ownership: 'PUBLIC', locationConfidence: 'GEOCODED', isSynthetic: true, sourceId: 'edugis-synthetic' } });
    expect(await geo.school.setGeometry({ id: 'test-school', geometry: { type: 'Point', coordinates: [106.7, 10.78] } })).toBe(1);
    const g = await geo.school.getGeometries(['test-school', 'no-such-school']);
    expect([...g.keys()]).toEqual(['test-school']);
    expect(g.get('test-school')).toEqual({ type: 'Point', coordinates: [106.7, 10.78] });
    expect(await geo.school.setGeometry({ id: 'test-school', geometry: null })).toBe(1);
    expect((await geo.school.getGeometries(['test-school'])).size).toBe(0);
  });

  it('refuses an invalid polygon, or repairs it when asked', async () => {
    const bowtie = { type: 'MultiPolygon' as const, coordinates: [[[[106.7, 10.7], [106.8, 10.8], [106.8, 10.7], [106.7, 10.8], [106.7, 10.7]]]] };
    const err = await geo.adminUnit.setGeometry({ id: 'SYN@test', geometry: bowtie }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgisInputError);
    expect((err as PostgisInputError).code).toBe('INVALID_GEOMETRY');
    expect((err as Error).message).toMatch(/Self-intersection/);
    const before = await geo.adminUnit.getGeometries(['26740@2025-07-01']);
    expect(await geo.adminUnit.setGeometry({ id: '26740@2025-07-01', geometry: bowtie, makeValid: true })).toBe(1);
    const [r] = await db.raw.query<{ ok: boolean }>(`SELECT ST_IsValid(boundary) ok FROM admin_unit WHERE id = '26740@2025-07-01'`);
    expect(r!.ok).toBe(true);
    await geo.adminUnit.setGeometry({ id: '26740@2025-07-01', geometry: before.get('26740@2025-07-01')! });
  });

  it('refuses unreadable GeoJSON with its own error, not a database error', async () => {
    const err = await geo.school.setGeometry({ id: 'x', geometry: { type: 'Point', coordinates: 'here' } as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgisInputError);
    expect((err as Error).message).toMatch(/^Not a readable GeoJSON geometry/);
  });
});

describe('input checks', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['latitude 91', () => geo.school.nearest({ point: [106, 91], k: 1 }), 'INVALID_POINT'],
    ['NaN', () => geo.school.nearest({ point: [Number.NaN, 10], k: 1 }), 'INVALID_POINT'],
    ['k = 0', () => geo.school.nearest({ point: [106, 10], k: 0 }), 'INVALID_LIMIT'],
    ['k = 1,000,000', () => geo.school.nearest({ point: [106, 10], k: 1_000_000 }), 'INVALID_LIMIT'],
    ['k = 1.5', () => geo.school.nearest({ point: [106, 10], k: 1.5 }), 'INVALID_LIMIT'],
    ['negative metres', () => geo.school.withinDistance({ point: [106, 10], meters: -1 }), 'INVALID_DISTANCE'],
    ['zero metres', () => geo.school.withinDistance({ point: [106, 10], meters: 0 }), 'INVALID_DISTANCE'],
    ['reversed bbox', () => geo.school.intersecting({ bbox: [107, 11, 106, 10] }), 'INVALID_BBOX'],
    ['bbox and geometry', () => geo.school.intersecting({ bbox: [106, 10, 107, 11], geometry: { type: 'Point', coordinates: [1, 1] } }), 'INVALID_GEOMETRY'],
  ];
  it.each(cases)('%s is refused with a typed error', async (_name, call, code) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostgisInputError);
    expect((err as PostgisInputError).code).toBe(code);
  });

  it('treats hostile ids as values, never as SQL', async () => {
    const g = await geo.school.getGeometries(["x') OR 1=1; DROP TABLE school; --"]);
    expect(g.size).toBe(0);
    const [{ n }] = (await db.raw.query<{ n: number }>('SELECT count(*)::int n FROM school')) as [{ n: number }];
    expect(n).toBeGreaterThan(2000);
  });
});
