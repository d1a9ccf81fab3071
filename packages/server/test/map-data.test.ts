// The map's bulk data over HTTP (ward vector tiles, schools of a view) and the profile's extras (zones drawn,
// unit extents, "report a problem"), each checked against an independent recount in PostGIS.
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const server = useTestServer();
const sqlRows = <T>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const get = (path: string, lang = 'vi') => fetch(`${server.url}${path}`, { headers: { 'accept-language': lang } });

/** The tile x/y holding a point at zoom z (Web Mercator). */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lng + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

describe('ward vector tiles', () => {
  it('hold exactly the wards whose boundaries reach the tile, with their codes and names', async () => {
    const [x, y] = tileOf(106.69, 10.78, 13);
    const res = await get(`/tiles/wards/13/${x}/${y}.pbf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/vnd.mapbox-vector-tile');
    const tile = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer())));
    const layer = tile.layers.wards!;
    const inTile = new Set<string>();
    for (let i = 0; i < layer.length; i++) inTile.add(String(layer.feature(i).properties.code));
    // PostGIS's own tile envelope; the tile also carries a 64/4096 buffer, so it may hold wards just outside it.
    const expected = await sqlRows<{ code: string }>(`SELECT code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79'
      AND ST_Intersects(boundary, ST_Transform(ST_TileEnvelope(13, $1, $2), 4326))`, [x, y]);
    const nearby = await sqlRows<{ code: string }>(`SELECT code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79'
      AND ST_Intersects(boundary, ST_Transform(ST_TileEnvelope(13, $1, $2, margin => 64.0 / 4096), 4326))`, [x, y]);
    expect(expected.length).toBeGreaterThan(3);
    for (const e of expected) expect(inTile).toContain(e.code);
    for (const code of inTile) expect(nearby.map((n) => n.code)).toContain(code);
    expect(inTile).toContain('26740');
    const saigon = [...Array(layer.length).keys()].map((i) => layer.feature(i)).find((f) => f.properties.code === '26740')!;
    expect(saigon.properties.name).toBe('Phường Sài Gòn');
    expect(saigon.type).toBe(3); // polygon
  });

  it('answer 204 for a tile with no ward (open sea) and refuse impossible tiles with a translated message', async () => {
    const [x, y] = tileOf(110.5, 8.5, 12);
    expect((await get(`/tiles/wards/12/${x}/${y}.pbf`)).status).toBe(204);
    for (const bad of ['/tiles/wards/15/1/1.pbf', '/tiles/wards/3/8/1.pbf', '/tiles/wards/-1/0/0.pbf', '/tiles/wards/a/b/c.pbf']) {
      const res = await get(bad, 'en');
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error).toMatch(/Invalid map tile: zoom from 0 to 14/);
    }
    expect((await (await get('/tiles/wards/13/1/1.pbf?province=7x')).json()).error).toMatch(/Mã tỉnh\/thành phố "7x" không hợp lệ/);
  });
});

describe('schools of a view', () => {
  it('are the schools inside the box, with the digital-school flag of their newest published result', async () => {
    const bbox = [106.68, 10.76, 106.71, 10.79];
    const res = await get(`/geo/schools.geojson?bbox=${bbox.join(',')}`);
    expect(res.status).toBe(200);
    const fc = (await res.json()) as { features: { properties: { id: string; digital: boolean; synthetic: boolean; maturitySynthetic: boolean | null } }[] };
    const expected = await sqlRows<{ id: string; digital: boolean }>(`
      SELECT s.id, coalesce((SELECT a.overall_level <> 'LEVEL_1' FROM maturity_assessment a WHERE a.school_id = s.id AND a.status = 'PUBLISHED'
        ORDER BY a.school_year DESC LIMIT 1), false) AS digital
      FROM school s WHERE ST_Intersects(s.location, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY s.id`, bbox);
    expect(expected.length).toBeGreaterThan(20);
    expect(fc.features.map((f) => f.properties.id)).toEqual(expected.map((e) => e.id));
    const digital = new Map(expected.map((e) => [e.id, e.digital]));
    for (const f of fc.features) expect(f.properties.digital, f.properties.id).toBe(digital.get(f.properties.id));
    expect(fc.features.some((f) => f.properties.digital)).toBe(true);
    expect(fc.features.some((f) => !f.properties.digital)).toBe(true);
  });

  it('refuses a malformed, inverted or oversized box with a translated message', async () => {
    for (const bad of ['1,2,3', '106.7,10.7,106.6,10.8', '100,10,104,11', 'a,b,c,d', '106,10,107,95', '']) {
      const res = await get(`/geo/schools.geojson?bbox=${bad}`, 'en');
      expect(res.status, bad).toBe(400);
      expect((await res.json()).error).toMatch(/Invalid bbox: give "west,south,east,north".*at most 3 degrees a side/);
    }
  });
});

describe('profile extras', () => {
  it("draws a school's zones: the GeoJSON is the stored zone, simplified by at most a few metres", async () => {
    const [z] = await sqlRows<{ school_id: string; id: string }>(`SELECT school_id, id FROM enrollment_zone ORDER BY id LIMIT 1`);
    const { body } = await gql(server.url, `query($id: ID!) { school(id: $id) { zones { id entryGrade schoolYear geometry } } }`, { id: z!.school_id });
    const zone = body.data.school.zones.find((x: { id: string }) => x.id === z!.id);
    expect(['Polygon', 'MultiPolygon']).toContain(zone.geometry.type);
    const [d] = await sqlRows<{ m: number }>(`SELECT ST_HausdorffDistance(ST_GeomFromGeoJSON($1)::geography::geometry, area) * 111320 AS m FROM enrollment_zone WHERE id = $2`,
      [JSON.stringify(zone.geometry), z!.id]);
    expect(d!.m).toBeLessThan(5);
  });

  it("gives a unit's extent as [west, south, east, north]", async () => {
    const { body } = await gql(server.url, `{ search(text: "Phường Sài Gòn", limit: 1) { ward { code bbox } } }`);
    const [e] = await sqlRows<{ w: number; s: number; e: number; n: number }>(`SELECT ST_XMin(boundary) w, ST_YMin(boundary) s, ST_XMax(boundary) e, ST_YMax(boundary) n
      FROM admin_unit WHERE code = '26740' AND valid_to IS NULL`);
    expect(body.data.search[0].ward.code).toBe('26740');
    expect(body.data.search[0].ward.bbox).toEqual([e!.w, e!.s, e!.e, e!.n]);
  });
});

describe('reportProblem', () => {
  const REPORT = `mutation($id: ID!, $kind: ProblemKind!, $m: String!, $lng: Float, $lat: Float) {
    reportProblem(schoolId: $id, kind: $kind, message: $m, longitude: $lng, latitude: $lat) { id status } }`;
  const count = async () => Number((await sqlRows<{ n: number }>('SELECT count(*)::int n FROM problem_report'))[0]!.n);

  it('stores a report for moderation, with the suggested location', async () => {
    const before = await count();
    const { body } = await gql(server.url, REPORT, { id: 'osm-node-1606180393', kind: 'WRONG_LOCATION', m: '  Trường nằm ở góc đường, không phải giữa khu phố.  ', lng: 106.6535, lat: 10.778 });
    expect(body.errors).toBeUndefined();
    expect(body.data.reportProblem.status).toBe('NEW');
    const [row] = await sqlRows<{ school_id: string; kind: string; message: string; lng: number; status: string; reporter_hash: string }>(
      `SELECT school_id, kind, message, ST_X(location) lng, status, reporter_hash FROM problem_report WHERE id = $1`, [body.data.reportProblem.id]);
    expect(row).toMatchObject({ school_id: 'osm-node-1606180393', kind: 'WRONG_LOCATION', message: 'Trường nằm ở góc đường, không phải giữa khu phố.', lng: 106.6535, status: 'NEW' });
    expect(row!.reporter_hash).toMatch(/^[0-9a-f]{64}$/); // a hash, never the address itself
    expect(await count()).toBe(before + 1);
  });

  it('refuses bad reports with specific, translated messages and writes nothing', async () => {
    const before = await count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'osm-node-1606180393', kind: 'OTHER', m: '   ' }, /Please describe the problem/],
      [{ id: 'osm-node-1606180393', kind: 'OTHER', m: 'x'.repeat(2001) }, /too long \(at most 2000 characters\)/],
      [{ id: 'no-such-school', kind: 'OTHER', m: 'sai' }, /no school with id "no-such-school"/],
      [{ id: 'osm-node-1606180393', kind: 'OTHER', m: 'sai', lng: 200, lat: 10 }, /Invalid coordinates/],
      [{ id: 'osm-node-1606180393', kind: 'OTHER', m: 'sai', lng: 106.7 }, /Invalid coordinates/],
    ];
    for (const [vars, message] of cases) {
      const { status, body } = await gql(server.url, REPORT, vars, 'en');
      expect(status).toBe(200); // a resolver refusal, not a malformed request
      expect(body.errors?.[0]?.message, JSON.stringify(vars).slice(0, 80)).toMatch(message);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const { body } = await gql(server.url, REPORT, { id: 'osm-node-1606180393', kind: 'NOT_A_KIND', m: 'sai' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);
  });

  it('limits one address to 5 reports an hour', async () => {
    // Refused reports (the test above) never reach the limiter; the first test's report did: 4 of 5 are left.
    const sent = await count();
    expect(sent).toBe(1);
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await gql(server.url, REPORT, { id: 'osm-node-1606180393', kind: 'WRONG_ZONE', m: `lần ${i}` })).body);
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(['OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(results[4]!.errors![0]!.message).toMatch(/quá nhiều phản ánh \(tối đa 5 lần mỗi giờ\)/);
    expect(await count()).toBe(5);
  });
});
