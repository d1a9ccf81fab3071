// A parent's answer from the published rules, over HTTP, on PostgreSQL and on the embedded PGlite, in the
// hand-made world of road-world.ts (every distance known by hand). Rules are loaded through the import pipeline:
// in 2027-28 the home's ward is listed by a school 6.6 km away by road (behind the river), so that is the school,
// though another is 1.2 km away; grade 6 goes by distance within 7 km by road; in 2028-29 the ward moves to the
// nearer school and grade 6's cap shrinks to 1 km, and the answer says what changes. Where no rule exists (central
// HCMC, on the seed's real roads) it says so plainly and lists the nearest public schools by road.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';
import { HOME, main, metres, N20, N22, N31, S1, S2, WAYS, worldFixtures } from './road-world.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
const sqlq = <T = any>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const { loadNetwork, addSchool, addSource } = worldFixtures(sqlq);
const q = async (query: string, variables: Record<string, unknown> = {}, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang)).body;

const ZONES = `query($lng: Float!, $lat: Float!, $y: String) { enrollmentZonesAt(longitude: $lng, latitude: $lat, schoolYear: $y) {
  schoolYear grades { entryGrade explanation admission { schoolYear status explanation movesNextYear
    placed { school { id name } reason area quotaPlaces quotaClasses priorityGroups distanceCapKm withinCap straightLineMeters
      walk { measure meters minutes } motorbike { measure meters } route sourceTitle }
    alternatives { school { id } reason }
    nearestByRoad { school { id } walk { measure meters } }
    nextStep { step startsOn endsOn }
    nextYear { schoolYear status placed { school { id } } } } } } }`;

const HEADER = 'Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Chỉ tiêu (lớp),Bán kính (km),Cách đo,Nhóm ưu tiên,Loại địa bàn,Mã phường/xã,Số văn bản';
const RULES = [
  HEADER,
  'adm-p2,2027-2028,1,Theo địa bàn,100,3,,,Nơi ở hiện tại thuộc địa bàn,Phường/xã,26596,45/KH-UBND',
  'adm-p1,2027-2028,1,Theo địa bàn,80,2,,,,Phường/xã,26608,45/KH-UBND',
  'adm-t1,2027-2028,6,Gần nhà,300,8,7,Đường đi,Nơi ở hiện tại thuộc địa bàn;Hoàn thành chương trình tiểu học,,,45/KH-UBND',
  'adm-p1,2028-2029,1,Theo địa bàn,90,3,,,,Phường/xã,26596,12/KH-UBND',
  'adm-p2,2028-2029,1,Theo địa bàn,100,3,,,,Phường/xã,26608,12/KH-UBND',
  'adm-t1,2028-2029,6,Gần nhà,300,8,1,Đường đi,,,,12/KH-UBND',
].join('\n');

let seeded: string;
beforeAll(async () => {
  [{ network_id: seeded }] = await sqlq(`SELECT network_id FROM road_network_active WHERE province_code = '79'`);
  await addSource();
  await addSchool('adm-p1', S2);
  await addSchool('adm-p2', S1);
  await addSchool('adm-t1', N31, 'LOWER_SECONDARY');
  await sqlq(`INSERT INTO admission_calendar_step (province_code, school_year, step, starts_on, ends_on, source_id) VALUES
    ('79', '2027-2028', 'DATA_CONFIRMATION', '2027-02-03', '2027-03-03', 'test-roads'), ('79', '2027-2028', 'REGISTRATION_GRADE1', '2027-06-15', '2027-06-30', 'test-roads')`);
  const so = await signIn('demo.so');
  const res = await fetch(`${server.url}/imports?kind=admission-rules&province=79&source=${encodeURIComponent('UBND xã Châu Đức, kế hoạch tuyển sinh (thử)')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'chau-duc.csv' }, body: RULES,
  });
  const staged = (await res.json()) as { id: string; status: string; errors: unknown[] };
  expect(staged).toMatchObject({ status: 'PREVIEW', errors: [] });
  const done = await gql(server.url, `mutation($id: ID!) { commitImport(id: $id) { status } }`, { id: staged.id }, 'en', so);
  expect(done.body.data).toEqual({ commitImport: { status: 'COMMITTED' } });
});
afterAll(async () => { await sqlq(`UPDATE road_network_active SET network_id = $1 WHERE province_code = '79'`, [seeded]); });

describe('the answer from the rules', () => {
  it('the listed area\'s school, however far by road; grade 6 by distance within the cap; the next date; next year\'s change', async () => {
    await loadNetwork('adm-net', WAYS);
    const res = await q(ZONES, { lng: HOME[0], lat: HOME[1], y: '2027-2028' });
    expect(res.errors).toBeUndefined();
    const [g1, g6] = res.data.enrollmentZonesAt.grades;
    const walkToP2 = metres(HOME, main(0)) + metres(main(0), main(6)) + metres(main(6), N20) + metres(N20, N22);
    expect(g1.admission).toMatchObject({
      schoolYear: '2027-2028', status: 'IN_LISTED_AREA', movesNextYear: true,
      placed: { school: { id: 'adm-p2' }, reason: 'LISTED_WARD', area: 'Châu Đức', quotaPlaces: 100, quotaClasses: 3, priorityGroups: ['Nơi ở hiện tại thuộc địa bàn'],
        walk: { measure: 'ROAD' }, sourceTitle: 'UBND xã Châu Đức, kế hoạch tuyển sinh (thử)' },
      alternatives: [], nearestByRoad: [],
      nextStep: { step: 'DATA_CONFIRMATION', startsOn: '2027-02-03', endsOn: '2027-03-03' },
      nextYear: { schoolYear: '2028-2029', status: 'IN_LISTED_AREA', placed: { school: { id: 'adm-p1' } } },
    });
    expect(Math.abs(g1.admission.placed.walk.meters - walkToP2)).toBeLessThan(3);
    expect(g1.admission.placed.straightLineMeters).toBeLessThan(600);
    expect(g1.admission.placed.route.coordinates.at(-1)).toEqual(S1);
    expect(g1.explanation).toBe(g1.admission.explanation); // no drawn zone here: the rules' answer alone
    expect(g1.explanation).toContain('2027-2028, grade 1: this address is in the admission area of Trường Tiểu học adm-p2 (Châu Đức), 6.6 km away');
    expect(g1.explanation).toContain('Quota: 100 pupils (3 classes).');
    expect(g1.explanation).toContain('Next date: data confirmation from 03/02/2027 to 03/03/2027.');
    expect(g1.explanation).toContain('From 2028-2029 this address moves from Trường Tiểu học adm-p2 to Trường Tiểu học adm-p1.');

    expect(g6.admission).toMatchObject({
      status: 'NEAREST_BY_DISTANCE', movesNextYear: true,
      placed: { school: { id: 'adm-t1' }, reason: 'NEAREST', distanceCapKm: 7, withinCap: true, priorityGroups: ['Nơi ở hiện tại thuộc địa bàn', 'Hoàn thành chương trình tiểu học'] },
      nextStep: { step: 'DATA_CONFIRMATION' },
      nextYear: { status: 'OUTSIDE_EVERY_CAP', placed: null },
    });
    expect(g6.admission.placed.walk.meters).toBeGreaterThan(3500);
    expect(g6.explanation).toContain('within its 7 km cap measured by road');
    expect(g6.explanation).toContain('In 2028-2029: 2028-2029, grade 6: this address is beyond every school\'s distance cap; the ward will assign a place.');

    const vi = (await q(ZONES, { lng: HOME[0], lat: HOME[1], y: '2027-2028' }, 'vi')).data.enrollmentZonesAt.grades[0];
    expect(vi.explanation).toContain('Năm học 2027-2028, lớp 1: địa chỉ này thuộc địa bàn tuyển sinh của Trường Tiểu học adm-p2 (Châu Đức), cách 6,6 km');
    expect(vi.explanation).toContain('Từ năm học 2028-2029, địa chỉ này chuyển từ Trường Tiểu học adm-p2 sang Trường Tiểu học adm-p1.');
  });

  it('where no rule is published: said plainly, with the nearest public schools by road, and the drawn zone called an illustration', async () => {
    await sqlq(`UPDATE road_network_active SET network_id = $1 WHERE province_code = '79'`, [seeded]);
    const home = { lng: 106.6958, lat: 10.7769 }; // central HCMC: zones of 2026-2027, no rules
    const [g1] = (await q(ZONES, { ...home, y: '2026-2027' })).data.enrollmentZonesAt.grades;
    expect(g1.admission).toMatchObject({ status: 'NO_RULE', placed: null, movesNextYear: null, nextYear: null });
    expect(g1.admission.nearestByRoad).toHaveLength(3);
    for (const s of g1.admission.nearestByRoad) expect(s.walk.measure).toBe('ROAD');
    expect(g1.explanation).toMatch(/^2026-2027, grade 1: ward .+ has not published an admission rule for this address on EduGIS\. Nearest public schools by road: /);
    expect(g1.explanation).toContain('Zones on the map are illustrations drawn by EduGIS, not official rules.');
    // 2027-2028 has rules, but none for this ward.
    const [n1] = (await q(ZONES, { ...home, y: '2027-2028' })).data.enrollmentZonesAt.grades;
    expect(n1.admission.status).toBe('NO_RULE');
    expect(n1.explanation).not.toContain('illustration'); // no zone drawn for that year
  });
});
