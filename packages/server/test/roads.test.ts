// Distances along roads, over HTTP, on PostgreSQL and on the embedded PGlite. First on the seed's real network
// (HCMC's OpenStreetMap extract, loaded by the seed through the osm-roads import): its source is named, homes in
// the centre get road distances. Then on a hand-made network in Châu Đức (no 2018 road reaches it, and no school
// is within 4 km), where every answer is known by hand: a school 580 m away in a straight line but 6.6 km by road
// (behind a "river") comes after one 1.1 km away; a one-way street makes the motorbike go round; a footway
// shortens the walk but not the ride; a school or a home far from every road is given the straight line, labelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { FAR_HOME, FOOTWAY, HOME, main, metres, N20, N22, N30, N31, S1, S2, S3, WAYS, worldFixtures } from './road-world.ts';

const server = useTestServer();
const q = async (query: string, variables: Record<string, unknown> = {}, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang)).body;
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { loadNetwork, addSchool, addSource } = worldFixtures(sqlq);

const BY_ROAD = `query($lng: Float!, $lat: Float!, $limit: Int) { schoolsByRoad(longitude: $lng, latitude: $lat, level: PRIMARY, limit: $limit) {
  school { id name } measure straightLineMeters walk { measure straightLineReason meters minutes } motorbike { measure straightLineReason meters minutes }
  route(mode: WALK) } }`;
const NETWORK = `{ roadNetwork(provinceCode: "79") { ways vertices sourceTitle attribution extractDate } }`;

let seeded: string;
beforeAll(async () => {
  [{ network_id: seeded }] = await sqlq(`SELECT network_id FROM road_network_active WHERE province_code = '79'`);
  await addSource();
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
