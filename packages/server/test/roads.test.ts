// Distances along roads, over HTTP, on PostgreSQL and on the embedded PGlite. First on the seed's real network
// (HCMC's OpenStreetMap extract, loaded by the seed through the osm-roads import): its source is named, homes in
// the centre get road distances. Then on a hand-made network in Châu Đức (no 2018 road reaches it, and no school
// is within 4 km), where every answer is known by hand: a school 580 m away in a straight line but 6.6 km by road
// (behind a "river") comes after one 1.1 km away; a one-way street makes the motorbike go round; a footway
// shortens the walk but not the ride; a school or a home far from every road is given the straight line, labelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const server = useTestServer();
const q = async (query: string, variables: Record<string, unknown> = {}, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang)).body;
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);

const BY_ROAD = `query($lng: Float!, $lat: Float!, $limit: Int) { schoolsByRoad(longitude: $lng, latitude: $lat, level: PRIMARY, limit: $limit) {
  school { id name } measure straightLineMeters walk { measure straightLineReason meters minutes } motorbike { measure straightLineReason meters minutes }
  route(mode: WALK) } }`;
const NETWORK = `{ roadNetwork(provinceCode: "79") { ways vertices sourceTitle attribution extractDate } }`;

// Metres between two points on the sphere geokdbush uses (R = 6371.0088 km… within a metre of it here).
const metres = (a: [number, number], b: [number, number]) => {
  const r = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * r) / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
  return 2 * 6371.0088e3 * Math.asin(Math.sqrt(h));
};

// The hand-made world, around C in Châu Đức.
const C: [number, number] = [107.26, 10.75];
const at = (dx: number, dy: number): [number, number] => [Math.round((C[0] + dx) * 1e7) / 1e7, Math.round((C[1] + dy) * 1e7) / 1e7];
const main = (k: number) => at(k * 0.005, 0); // the main road's nodes, k = -2 … 6 (ids k + 3)
const HOME = at(0, 0.0005);
const FAR_HOME = at(-0.01, -0.008); // 885 m south of the main road's west end
const S1 = at(0.004, 0.004); // behind the river: reached by the spur from the main road's east end
const S2 = at(0.010, -0.0008); // just south of the main road
const S3 = at(-0.004, 0.009); // a kilometre from any road
const N20 = at(0.030, 0.004); const N21 = at(0.017, 0.004); const N22 = S1;
const N30 = at(0.010, -0.004); const N31 = at(0.030, -0.004);
type Way = { id: number; nodes: [number, [number, number]][]; oneway?: number; foot?: boolean; motor?: boolean; highway?: string };
const WAYS: Way[] = [
  { id: 100, nodes: [-2, -1, 0, 1, 2].map((k) => [k + 3, main(k)]) },
  { id: 101, nodes: [2, 3, 4, 5, 6].map((k) => [k + 3, main(k)]), oneway: -1 }, // westward only for motor traffic
  { id: 102, nodes: [[9, main(6)], [20, N20]] },
  { id: 103, nodes: [[20, N20], [21, N21], [22, N22]], oneway: 1 },
  { id: 104, nodes: [[5, main(2)], [30, N30], [31, N31], [9, main(6)]] }, // the way round, south
];
const FOOTWAY: Way = { id: 105, nodes: [[4, main(1)], [22, N22]], foot: true, motor: false, highway: 'footway' };

async function loadNetwork(id: string, ways: Way[]) {
  await sqlq(`INSERT INTO road_network (id, province_code, source_id, extract_date, ways, nodes) VALUES ($1, '79', 'test-roads', '2026-12-01', $2, 0)`, [id, ways.length]);
  for (const w of ways) {
    await sqlq(`INSERT INTO road_way (network_id, osm_id, highway, name, oneway, foot, motor, node_ids, geom)
      VALUES ($1, $2, $3, NULL, $4, $5, $6, $7::bigint[], ST_GeomFromText($8, 4326))`, [
      id, w.id, w.highway ?? 'residential', w.oneway ?? 0, w.foot ?? true, w.motor ?? true, `{${w.nodes.map((n) => n[0]).join(',')}}`,
      `LINESTRING(${w.nodes.map(([, p]) => `${p[0]} ${p[1]}`).join(', ')})`,
    ]);
  }
  await sqlq(`INSERT INTO road_network_active (province_code, network_id) VALUES ('79', $1) ON CONFLICT (province_code) DO UPDATE SET network_id = EXCLUDED.network_id`, [id]);
}
const addSchool = (id: string, p: [number, number]) => sqlq(`INSERT INTO school (id, name, levels, ownership, location, location_confidence, is_synthetic, source_id)
  VALUES ($1, $2, '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint($3, $4), 4326), 'SYNTHETIC', true, 'test-roads')`, [id, `Trường Tiểu học ${id}`, p[0], p[1]]);

let seeded: string;
beforeAll(async () => {
  [{ network_id: seeded }] = await sqlq(`SELECT network_id FROM road_network_active WHERE province_code = '79'`);
  await sqlq(`INSERT INTO data_source (id, title, licence, attribution, is_synthetic) VALUES ('test-roads', 'Hand-made network (test)', 'test', 'EduGIS tests', true)`);
  for (const [id, p] of [['test-s1', S1], ['test-s2', S2], ['test-s3', S3]] as const) await addSchool(id, p);
});
afterAll(async () => { await sqlq(`UPDATE road_network_active SET network_id = $1 WHERE province_code = '79'`, [seeded]); });

describe('distances by road', () => {
  it('the seed\'s network: HCMC\'s OpenStreetMap roads as of 2018, named with their source; central homes get road distances, 20 askers at once the same', async () => {
    const net = (await q(NETWORK)).data.roadNetwork;
    expect(net).toMatchObject({ extractDate: '2018-01-01' });
    expect(net.ways).toBeGreaterThan(30_000);
    expect(net.vertices).toBeGreaterThan(100_000);
    expect(net.attribution).toContain('© OpenStreetMap contributors');
    // Twenty parents at once, while the graph may still be building: one graph, the same answer for all.
    const home = { lng: 106.6958, lat: 10.7769 }; // near Bến Thành
    const answers = await Promise.all(Array.from({ length: 20 }, () => q(BY_ROAD, { ...home, limit: 5 })));
    for (const a of answers) expect(a.data.schoolsByRoad).toEqual(answers[0].data.schoolsByRoad);
    const list = answers[0].data.schoolsByRoad;
    expect(list).toHaveLength(5);
    for (const s of list) {
      expect(s.walk.measure).toBe('ROAD');
      expect(s.walk.meters).toBeGreaterThanOrEqual(s.straightLineMeters - 1); // a road is never shorter than the line
      expect(s.walk.minutes).toBe(Math.max(1, Math.round(s.walk.meters / 75)));
    }
    expect(list.map((s: any) => s.walk.meters)).toEqual([...list.map((s: any) => s.walk.meters)].sort((a, b) => a - b));
  });

  it('a hand-made network: the order by road, one-way streets, a footway, a school and a home off the roads', async () => {
    await loadNetwork('test-net-1', WAYS);
    const list = (await q(BY_ROAD, { lng: HOME[0], lat: HOME[1], limit: 3 })).data.schoolsByRoad;
    expect(list.map((s: any) => s.school.id)).toEqual(['test-s2', 'test-s1', 'test-s3']);
    const [s2, s1, s3] = list;
    const toRoad = metres(HOME, main(0));
    // S2: along the main road to k = 2, then to the school.
    expect(s2.walk.meters).toBeCloseTo(toRoad + metres(main(0), main(2)) + metres(main(2), S2), -1);
    expect(s2.motorbike.meters).toBe(s2.walk.meters);
    // S1: 580 m away in a straight line, 6.6 km by road: east to the end, north, back west.
    expect(s1.straightLineMeters).toBeLessThan(600);
    const walk1 = toRoad + metres(main(0), main(6)) + metres(main(6), N20) + metres(N20, N22);
    expect(Math.abs(s1.walk.meters - walk1)).toBeLessThan(3);
    // By motorbike the main road's east half is one-way westward: round by the south road (2 × 442 m more).
    const ride1 = toRoad + metres(main(0), main(2)) + metres(main(2), N30) + metres(N30, N31) + metres(N31, main(6)) + metres(main(6), N20) + metres(N20, N22);
    expect(Math.abs(s1.motorbike.meters - ride1)).toBeLessThan(3);
    expect(s1.motorbike.minutes).toBe(Math.round(s1.motorbike.meters / (20_000 / 60)));
    // S3 is a kilometre from any road: the straight line, said so.
    expect(s3).toMatchObject({ measure: 'STRAIGHT_LINE', walk: { measure: 'STRAIGHT_LINE', straightLineReason: 'SCHOOL_OFF_NETWORK' }, route: null });
    expect(Math.abs(s3.walk.meters - metres(HOME, S3))).toBeLessThan(2);
    // The route drawn: from the home, along the main road's nodes, to the school; valid GeoJSON.
    expect(s2.route.type).toBe('LineString');
    expect(s2.route.coordinates[0]).toEqual(HOME);
    expect(s2.route.coordinates.at(-1)).toEqual(S2);
    expect(s2.route.coordinates.slice(1, -1)).toEqual([main(0), main(1), main(2)]);

    // A home 885 m from the nearest road: every distance is the straight line, labelled.
    const far = (await q(BY_ROAD, { lng: FAR_HOME[0], lat: FAR_HOME[1], limit: 3 })).data.schoolsByRoad;
    expect(far.every((s: any) => s.walk.straightLineReason === 'HOME_OFF_NETWORK' && s.motorbike.straightLineReason === 'HOME_OFF_NETWORK')).toBe(true);

    // A new network with a footway to S1: nearest on foot now, unchanged by motorbike; the graph follows at once.
    await loadNetwork('test-net-2', [...WAYS, FOOTWAY]);
    const after = (await q(BY_ROAD, { lng: HOME[0], lat: HOME[1], limit: 3 })).data.schoolsByRoad;
    expect(after.map((s: any) => s.school.id)).toEqual(['test-s1', 'test-s2', 'test-s3']);
    expect(Math.abs(after[0].walk.meters - (toRoad + metres(main(0), main(1)) + metres(main(1), S1)))).toBeLessThan(3);
    expect(after[0].motorbike.meters).toBe(s1.motorbike.meters);
    expect((await q(NETWORK)).data.roadNetwork).toMatchObject({ sourceTitle: 'Hand-made network (test)', ways: 6 });

    // No network at all: straight lines, NO_NETWORK.
    await sqlq(`DELETE FROM road_network_active WHERE province_code = '79'`);
    const none = (await q(BY_ROAD, { lng: HOME[0], lat: HOME[1], limit: 2 })).data;
    expect(none.schoolsByRoad.map((s: any) => s.walk.straightLineReason)).toEqual(['NO_NETWORK', 'NO_NETWORK']);
    expect((await q(NETWORK)).data.roadNetwork).toBeNull();
    await loadNetwork('test-net-3', WAYS);
  });

  it('refuses bad arguments with a translated message', async () => {
    for (const vars of [{ lng: HOME[0], lat: HOME[1], limit: 21 }, { lng: HOME[0], lat: HOME[1], limit: 0 }, { lng: 200, lat: HOME[1] }]) {
      const res = await q(BY_ROAD, vars, 'vi');
      expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors[0].message).toMatch(/[àáảãạăâđêôơư]/); // said in Vietnamese
    }
    const bad = await q(`{ roadNetwork(provinceCode: "7") { ways } }`, {}, 'vi');
    expect(bad.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
