// The placement simulation, over HTTP, on PostgreSQL and on the embedded PGlite, on a hand-made network where the
// answer is known by hand. Two wards: Châu Đức (W1) has two THCS with a rule, T1 (70 places, no cap) and T2 (50,
// within 5 km by road); Kim Long (W2) has no THCS with a rule, so its children must travel to W1 (D, more than
// 5 km (about 6 km), along the one road between the wards' points): only T1 takes them. Grade 6 entrants: W1 240 / 4 = 60,
// W2 320 / 4 = 80. With 140 children and 120 places T1 is over quota: the cheapest placement fills both schools,
// places all of W1 (10 at T1, 50 at T2) and 60 of W2, and leaves 20 of W2 unplaced. Scenarios: T1 at 100 places
// (everyone placed), a new school beside W2's point (W2 goes there), T2 closed (70 of W2 unplaced); two scenarios
// compared in one request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';
import { metres, worldFixtures } from './road-world.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { loadNetwork, addSchool, addSource } = worldFixtures(sqlq);
const q = async (query: string, variables: Record<string, unknown> = {}, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang)).body;

const SIM = `query($g: Int!, $s: PlacementScenario) { placementSimulation(provinceCode: "79", schoolYear: "2027-2028", grade: $g, scenario: $s) {
  demandSchoolYear demandNote demandEstimated demand { kind estimated schoolYear title wardsWithoutFigure } children placed unplaced meanRoadMeters closedSchools roadAttribution
  schools { schoolId name added places placed free firstChoice overflow }
  areas { wardCode children placed unplaced meanRoadMeters maxRoadMeters beyondCap straightLine schools { schoolId children roadMeters } }
  unplacedAreas { wardCode unplaced } geojson } }`;
const round = (p: [number, number]): [number, number] => [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];

let P1: [number, number]; let P2: [number, number]; let T1: [number, number]; let T2: [number, number]; let NEW: [number, number];
let D: number; let seeded: string; let so: string;
async function upload(kind: string, extra: string, body: string) {
  const res = await fetch(`${server.url}/imports?kind=${kind}&province=79&source=${encodeURIComponent('Kịch bản thử')}&licence=unknown${extra}`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': `${kind}.csv` }, body,
  });
  const staged = (await res.json()) as { id: string; status: string; errors: unknown[] };
  expect(staged).toMatchObject({ status: 'PREVIEW', errors: [] });
  expect((await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: staged.id }, 'en', so)).body.data).toEqual({ commitImport: { status: 'COMMITTED' } });
}

beforeAll(async () => {
  so = await signIn('demo.so');
  [{ network_id: seeded }] = await sqlq(`SELECT network_id FROM road_network_active WHERE province_code = '79'`);
  const pts = await sqlq<{ code: string; x: number; y: number }>(`SELECT code, ST_X(p) x, ST_Y(p) y FROM admin_unit, LATERAL ST_PointOnSurface(boundary) p
    WHERE level = 'WARD' AND valid_to IS NULL AND code IN ('26596', '26608') ORDER BY code`);
  P1 = round([pts[0]!.x, pts[0]!.y]); P2 = round([pts[1]!.x, pts[1]!.y]);
  T1 = round([P1[0] + 0.002, P1[1]]); T2 = round([P1[0], P1[1] + 0.003]); NEW = round([P2[0] + 0.002, P2[1]]);
  const M = round([(P1[0] + P2[0]) / 2, (P1[1] + P2[1]) / 2]);
  D = metres(P2, M) + metres(M, P1);
  await addSource();
  await loadNetwork('plc-net', [
    { id: 1, nodes: [[1, P1], [2, M], [3, P2]] },
    { id: 2, nodes: [[1, P1], [4, T1]] },
    { id: 3, nodes: [[1, P1], [5, T2]] },
    { id: 4, nodes: [[3, P2], [6, NEW]] },
  ]);
  await addSchool('plc-t1', T1, 'LOWER_SECONDARY');
  await addSchool('plc-t2', T2, 'LOWER_SECONDARY');
  await addSchool('plc-p1', T2, 'PRIMARY');
  const wards = await sqlq<{ id: string; w: string }>(`SELECT s.id, w.code AS w FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE s.id LIKE 'plc-%' ORDER BY s.id`);
  expect(wards.map((r) => r.w)).toEqual(['26596', '26596', '26596']); // both THCS in W1
  await upload('admission-rules', '', [
    'Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Bán kính (km),Cách đo,Loại địa bàn,Mã phường/xã',
    'plc-t1,2027-2028,6,Gần nhà,70,,,,',
    'plc-t2,2027-2028,6,Gần nhà,50,5,Đường đi,,',
    'plc-p1,2027-2028,1,Theo địa bàn,40,,,Phường/xã,26596',
  ].join('\n'));
  await upload('ward-demand', '&schoolYear=2027-2028&level=LOWER_SECONDARY', 'Mã phường/xã,Số trẻ\n26596,240\n26608,320');
});
afterAll(async () => { await sqlq(`UPDATE road_network_active SET network_id = $1 WHERE province_code = '79'`, [seeded]); });

const school = (r: any, id: string) => r.schools.find((s: any) => s.schoolId === id);
const area = (r: any, code: string) => r.areas.find((a: any) => a.wardCode === code);

describe('the placement simulation', () => {
  it('places as many children as the places allow, nearest first; the ward without a THCS travels; the school over quota overflows', async () => {
    expect(D).toBeGreaterThan(5500); // W2 to T2 is beyond its 5 km cap: only T1 takes W2
    const res = await q(SIM, { g: 6 });
    expect(res.errors).toBeUndefined();
    const r = res.data.placementSimulation;
    expect(r).toMatchObject({ demandSchoolYear: '2027-2028', children: 140, placed: 120, unplaced: 20, closedSchools: [] });
    expect(r.demandNote).toBe('Entering children = the loaded children of lower-secondary age (2027-2028) ÷ 4 grades. 166 wards have no figure and are left out.');
    expect(r.demand).toEqual({ kind: 'LOADED', estimated: false, schoolYear: '2027-2028', title: 'Kịch bản thử', wardsWithoutFigure: 166 });
    expect(r.demandEstimated).toBe(false);
    expect(school(r, 'plc-t1')).toMatchObject({ places: 70, placed: 70, free: 0, firstChoice: 140, overflow: 70, added: false });
    expect(school(r, 'plc-t2')).toMatchObject({ places: 50, placed: 50, free: 0, firstChoice: 0, overflow: 0 });
    const w1 = area(r, '26596'); const w2 = area(r, '26608');
    expect(w1).toMatchObject({ children: 60, placed: 60, unplaced: 0, beyondCap: 0, straightLine: 0 });
    expect(w1.schools.map((x: any) => [x.schoolId, x.children])).toEqual([['plc-t2', 50], ['plc-t1', 10]]);
    expect(w2).toMatchObject({ children: 80, placed: 60, unplaced: 20 });
    expect(w2.schools).toEqual([{ schoolId: 'plc-t1', children: 60, roadMeters: expect.any(Number) }]);
    expect(Math.abs(w2.meanRoadMeters - (D + metres(P1, T1)))).toBeLessThan(3);
    expect(w2.maxRoadMeters).toBe(w2.meanRoadMeters);
    expect(Math.abs(w1.meanRoadMeters - (10 * metres(P1, T1) + 50 * metres(P1, T2)) / 60)).toBeLessThan(2);
    expect(r.unplacedAreas).toEqual([{ wardCode: '26608', unplaced: 20 }]);
    expect(r.roadAttribution).toBe('EduGIS tests');
    expect(r.geojson.type).toBe('FeatureCollection');
    expect(r.geojson.features).toHaveLength(4);
    expect(r.geojson.features.find((f: any) => f.properties.code === '26608')).toMatchObject({ geometry: { type: 'Point', coordinates: P2 }, properties: { unplaced: 20 } });
  });

  it('two scenarios side by side in one request: T1 at 100 places places everyone; a new school beside W2 takes W2', async () => {
    const both = await q(`query($a: PlacementScenario, $b: PlacementScenario) {
      quota: placementSimulation(provinceCode: "79", schoolYear: "2027-2028", grade: 6, scenario: $a) { placed unplaced schools { schoolId placed } }
      added: placementSimulation(provinceCode: "79", schoolYear: "2027-2028", grade: 6, scenario: $b) { placed unplaced schools { schoolId name added placed } areas { wardCode schools { schoolId children } } } }`, {
      a: { quotas: [{ schoolId: 'plc-t1', places: 100 }] },
      b: { addSchools: [{ name: 'Trường THCS Kim Long (dự kiến)', longitude: NEW[0], latitude: NEW[1], places: 100 }] },
    });
    expect(both.errors).toBeUndefined();
    const { quota, added } = both.data;
    expect(quota).toMatchObject({ placed: 140, unplaced: 0 });
    expect(Object.fromEntries(quota.schools.map((s: any) => [s.schoolId, s.placed]))).toEqual({ 'plc-t1': 100, 'plc-t2': 40 });
    expect(added).toMatchObject({ placed: 140, unplaced: 0 });
    expect(added.schools.find((s: any) => s.added)).toEqual({ schoolId: 'new-1', name: 'Trường THCS Kim Long (dự kiến)', added: true, placed: 80 });
    expect(added.areas.find((x: any) => x.wardCode === '26608').schools).toEqual([{ schoolId: 'new-1', children: 80 }]);
    expect(added.areas.find((x: any) => x.wardCode === '26596').schools).toEqual([{ schoolId: 'plc-t1', children: 60 }]);

    // T2 closed: 70 places for 140 children; the near ones (all of W1, 10 of W2) are placed.
    const closed = (await q(SIM, { g: 6, s: { closeSchools: ['plc-t2'] } })).data.placementSimulation;
    expect(closed).toMatchObject({ placed: 70, unplaced: 70, closedSchools: ['plc-t2'] });
    expect(area(closed, '26608')).toMatchObject({ placed: 10, unplaced: 70 });
  });

  it('without loaded figures, the 2019 census estimate, labelled as one, accounts for all of old HCMC\'s children', async () => {
    const res = await q(`query($d: PlacementDemand) { placementSimulation(provinceCode: "79", schoolYear: "2027-2028", grade: 6, demand: $d) {
      demandSchoolYear demandEstimated demandNote demand { kind estimated schoolYear title wardsWithoutFigure } children placed unplaced
      areas { wardCode wardName children } geojson } }`, { d: 'CENSUS_2019' });
    expect(res.errors).toBeUndefined();
    const r = res.data.placementSimulation;
    // 102 of today's 168 wards lie in old HCMC, the census's city; the others (former Bình Dương, Bà Rịa–Vũng Tàu) have no figure.
    expect(r.demand).toMatchObject({ kind: 'CENSUS_2019', estimated: true, schoolYear: null, wardsWithoutFigure: 66 });
    expect(r.demand.title).toContain('GSO Population and Housing Census 2019');
    expect(r).toMatchObject({ demandEstimated: true, demandSchoolYear: null });
    expect(r.demandNote).toMatch(/^ESTIMATE, not a count: grade 6 entrants = the ward's 2019 population × its 2019 district's share aged 10–14 ÷ 5/);
    expect(r.areas).toHaveLength(102);
    // Old HCMC counted 544,876 children aged 10–14 in 2019: a fifth of them enter grade 6 each year (ward rounding aside).
    expect(Math.abs(r.children - 544_876 / 5)).toBeLessThan(102);
    // By hand: Thạnh An (an island commune of Cần Giờ, unchanged by the reform): 4,512 people × 5,911 / 71,526 aged 10–14 in Cần Giờ ÷ 5.
    expect(area(r, '27676')).toMatchObject({ wardName: 'Thạnh An', children: Math.round(4512 * 5911 / 71526 / 5) });
    expect(r.placed).toBeLessThanOrEqual(120); // only the two test schools have rules
    expect(r.geojson.features.filter((f: any) => f.properties.kind === 'ward').every((f: any) => f.properties.childrenEstimated === true)).toBe(true);
    const vi = (await q(`{ placementSimulation(provinceCode: "79", schoolYear: "2027-2028", grade: 6, demand: CENSUS_2019) { demandNote } }`, {}, 'vi')).data.placementSimulation;
    expect(vi.demandNote).toMatch(/^ƯỚC TÍNH, không phải số trẻ thật/);
    expect(vi.demandNote).toContain('66 phường/xã không có số liệu điều tra');
  });

  it('five planners at once get the same answer', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => q(SIM, { g: 6 })));
    for (const r of runs) expect(r.data.placementSimulation).toEqual(runs[0].data.placementSimulation);
  });

  it('says what is missing: no demand, no rules, an unknown school, a school added outside, bad places', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ g: 1 }, 'No children of PRIMARY age per ward (2027-2028) are loaded for this province: import the ward figures ("Số trẻ theo phường") before simulating.'],
      [{ g: 10 }, 'No grade 10 admission rule for 2027-2028 is loaded for this province: import the rules (quotas, areas) before simulating.'],
      [{ g: 6, s: { quotas: [{ schoolId: 'plc-p1', places: 10 }] } }, 'School plc-p1 has no grade 6 admission rule for 2027-2028, so it is not in the simulation.'],
      [{ g: 6, s: { addSchools: [{ name: 'Ngoài biển', longitude: 107.3, latitude: 9.9, places: 10 }] } }, 'The added school "Ngoài biển" is not inside the province being simulated.'],
      [{ g: 6, s: { quotas: [{ schoolId: 'plc-t1', places: -1 }] } }, 'Places must be a whole number from 0 to 5000.'],
    ];
    for (const [vars, message] of cases) {
      const res = await q(SIM, vars);
      expect(res.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
    const vi = await q(SIM, { g: 1 }, 'vi');
    expect(vi.errors[0].message).toBe('Chưa nạp số trẻ trong độ tuổi tiểu học theo phường/xã (2027-2028) cho tỉnh/thành phố này: hãy nhập "Số trẻ theo phường" trước khi mô phỏng.');
  });
});
