// Zones drawn from the rules, over HTTP, on PostgreSQL and on the embedded PGlite, on the hand-made network of
// road-world.ts where the answer is known by hand: two THCS admit by distance along the main road, T1 at its
// node 0 (no cap) and T2 at node 4, 2.2 km east (cap 500 m by road). The homes nearest to T1 by road are those
// west of node 2 (the midpoint); T2 takes those within 500 m of it; a home 550 m from T2 is nearest to T2 but
// beyond its cap, so in neither; a home a kilometre from any road is in neither. A primary school lists the whole
// ward, another a street (a 40 m strip along it), a third a khu phố (drawn as its ward, "partial").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';
import { WAYS, at, main, worldFixtures } from './road-world.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { loadNetwork, addSchool, addSource } = worldFixtures(sqlq);
const q = async (query: string, variables: Record<string, unknown> = {}, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang)).body;
const ZONES = `query($g: Int!, $ids: [ID!]) { admissionZones(provinceCode: "79", schoolYear: "2028-2029", grade: $g, schoolIds: $ids) }`;

let seeded: string; let so: string;
beforeAll(async () => {
  so = await signIn('demo.so');
  [{ network_id: seeded }] = await sqlq(`SELECT network_id FROM road_network_active WHERE province_code = '79'`);
  await addSource();
  await loadNetwork('zon-net', WAYS);
  await sqlq(`UPDATE road_way SET name = 'Số 1' WHERE network_id = 'zon-net' AND osm_id = 100`);
  await addSchool('zon-t1', main(0), 'LOWER_SECONDARY');
  await addSchool('zon-t2', main(4), 'LOWER_SECONDARY');
  await addSchool('zon-p1', at(0.001, 0.001), 'PRIMARY');
  await addSchool('zon-p2', at(0.002, 0.001), 'PRIMARY');
  await addSchool('zon-p3', at(0.003, 0.001), 'PRIMARY');
  const body = [
    'Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Bán kính (km),Cách đo,Loại địa bàn,Mã phường/xã,Tên địa bàn',
    'zon-t1,2028-2029,6,Gần nhà,100,,,,,',
    'zon-t2,2028-2029,6,Gần nhà,100,0.5,Đường đi,,,',
    'zon-p1,2028-2029,1,Theo địa bàn,40,,,Phường/xã,26740,',
    'zon-p2,2028-2029,1,Theo địa bàn,40,,,Đường,26596,Đường Số 1',
    'zon-p3,2028-2029,1,Theo địa bàn,40,,,Khu phố/ấp,26608,Ấp Nhân Tiến',
  ].join('\n');
  const res = await fetch(`${server.url}/imports?kind=admission-rules&province=79&source=${encodeURIComponent('Kế hoạch thử')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'rules.csv' }, body,
  });
  const staged = (await res.json()) as { id: string; status: string; errors: unknown[] };
  expect(staged).toMatchObject({ status: 'PREVIEW', errors: [] });
  expect((await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: staged.id }, 'en', so)).body.data).toEqual({ commitImport: { status: 'COMMITTED' } });
});
afterAll(async () => { await sqlq(`UPDATE road_network_active SET network_id = $1 WHERE province_code = '79'`, [seeded]); });

/** Which of the features' polygons cover the point (by school id). */
async function covering(fc: any, p: [number, number]): Promise<string[]> {
  const out: string[] = [];
  for (const f of fc.features) {
    const [{ c }] = await sqlq<{ c: boolean }>(`SELECT ST_Covers(ST_GeomFromGeoJSON($1), ST_SetSRID(ST_MakePoint($2, $3), 4326)) AS c`, [JSON.stringify(f.geometry), p[0], p[1]]);
    if (c) out.push(f.properties.schoolId);
  }
  return out.sort();
}

describe('admission zones drawn from the rules', () => {
  it('by distance: the homes nearest by road to each school, within its cap; nobody far from a road', async () => {
    const res = await q(ZONES, { g: 6 });
    expect(res.errors).toBeUndefined();
    const fc = res.data.admissionZones;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: any) => [f.properties.schoolId, f.properties.kind])).toEqual([['zon-t1', 'NEAREST_BY_ROAD'], ['zon-t2', 'NEAREST_BY_ROAD']]);
    expect(fc.features[0].properties).toMatchObject({ illustrative: true, synthetic: true, capKm: null, schoolYear: '2028-2029', grade: 6 });
    expect(fc.features[1].properties).toMatchObject({ capKm: 0.5, capMetric: 'ROAD' });
    expect(fc.features[0].properties.note).toMatch(/^Illustration, not an official boundary: the homes nearest to this school on foot/);
    expect(await covering(fc, at(-0.008, 0.0003))).toEqual(['zon-t1']); // west of T1
    expect(await covering(fc, at(0.007, 0.0003))).toEqual(['zon-t1']); // 770 m from T1, 1.4 km from T2
    expect(await covering(fc, at(0.0215, 0.0003))).toEqual(['zon-t2']); // 160 m from T2
    expect(await covering(fc, at(0.015, 0.0003))).toEqual([]); // nearest to T2 (550 m), beyond its 500 m cap
    expect(await covering(fc, at(0, 0.009))).toEqual([]); // a kilometre from any road
    // Valid polygons, exterior rings counter-clockwise (RFC 7946 §3.1.6).
    for (const f of fc.features) {
      const [g] = await sqlq<{ valid: boolean; ccw: boolean; type: string }>(`SELECT ST_IsValid(g) AS valid, ST_IsPolygonCCW(g) AS ccw, GeometryType(g) AS type
        FROM ST_GeomFromGeoJSON($1) AS g`, [JSON.stringify(f.geometry)]);
      expect(g).toEqual({ valid: true, ccw: true, type: 'MULTIPOLYGON' });
    }
  });

  it('listed areas: a ward whole; a street as a strip along it; a khu phố as its ward, said to be in part', async () => {
    const fc = (await q(ZONES, { g: 1 }, 'vi')).data.admissionZones;
    expect(fc.features.map((f: any) => [f.properties.schoolId, f.properties.kind, f.properties.partial])).toEqual([
      ['zon-p1', 'LISTED_AREAS', false], ['zon-p2', 'LISTED_AREAS', true], ['zon-p3', 'LISTED_AREAS', true]]);
    const [{ same }] = await sqlq<{ same: boolean }>(`SELECT abs(ST_Area(ST_GeomFromGeoJSON($1)::geography) / ST_Area(boundary::geography) - 1) < 0.001 AS same
      FROM admin_unit WHERE code = '26740' AND valid_to IS NULL`, [JSON.stringify(fc.features[0].geometry)]);
    expect(same).toBe(true); // Phường Sài Gòn, whole
    expect(fc.features[0].properties.note).toBe('Minh họa, không phải ranh giới chính thức: địa bàn quy định vẽ theo ranh giới phường/xã.');
    expect(fc.features[1].properties.note).toMatch(/^Minh họa, không phải ranh giới chính thức: .*tuyến đường vẽ dải 40 m/);
    expect(await covering(fc, at(-0.005, 0.0002))).toEqual(['zon-p2']); // 22 m from the street Số 1
    expect(await covering(fc, at(-0.005, 0.001))).toEqual([]); // 110 m from it, in the same ward
    expect(await covering(fc, at(0.015, 0.0002))).toEqual([]); // beside the main road's other way, which has no name
    const [{ whole }] = await sqlq<{ whole: boolean }>(`SELECT abs(ST_Area(ST_GeomFromGeoJSON($1)::geography) / ST_Area(boundary::geography) - 1) < 0.001 AS whole
      FROM admin_unit WHERE code = '26608' AND valid_to IS NULL`, [JSON.stringify(fc.features[2].geometry)]);
    expect(whole).toBe(true); // the khu phố's ward drawn whole
    // Only the schools asked for.
    expect((await q(ZONES, { g: 1, ids: ['zon-p2'] })).data.admissionZones.features.map((f: any) => f.properties.schoolId)).toEqual(['zon-p2']);
  });

  it('ten readers at once get the same drawing; bad arguments say what is wrong', async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => q(ZONES, { g: 6 })));
    for (const r of runs) expect(r.data.admissionZones).toEqual(runs[0].data.admissionZones);
    const bad = await q(`{ admissionZones(provinceCode: "79", schoolYear: "2028", grade: 6) }`);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const grade = await q(`{ admissionZones(provinceCode: "79", schoolYear: "2028-2029", grade: 3) }`);
    expect(grade.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await q(`{ admissionZones(provinceCode: "79", schoolYear: "2030-2031", grade: 1) }`)).data.admissionZones).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
