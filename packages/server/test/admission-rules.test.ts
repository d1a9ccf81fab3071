// Admission rules through the import pipeline, over HTTP, on PostgreSQL and on the embedded PGlite: a ward's
// table (one row per area; the rule's own columns on its first row) is previewed, committed and answered by
// admissionRules with its areas, feeders and document; admissionRuleCheck reports the wards no rule reaches. Each
// kind of bad rule is named by row in the reader's language and nothing is written; an area two schools list
// without sharing it is refused (in the file, or against a stored rule) and accepted when they say they share
// it; a change is reverted; parallel commits of one preview commit once, of two schools both land.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);
let so: string;
beforeAll(async () => { so = await signIn('demo.so'); });

// Sài Gòn ward (26740) and its neighbour Tân Định (26737), as the seed has them.
const NBK = 'osm-way-186347703'; // Trường Tiểu học Nguyễn Bỉnh Khiêm
const HOA_BINH = 'osm-way-193824713'; // Trường Tiểu học Hòa Bình
const VTT = 'osm-way-198123912'; // Trường THCS Võ Trường Toàn
const THCS_SG = 'syn-26740-lower_secondary-1'; // Trường THCS Sài Gòn, capacity 1490
const TH_TD = 'syn-26737-primary-1'; // Trường Tiểu học Tân Định

const HEADER = 'Mã trường,Năm học,Lớp,Phương thức,Chỉ tiêu (học sinh),Chỉ tiêu (lớp),Bán kính (km),Cách đo,Nhóm ưu tiên,Trường nguồn,Tuyển chung với,Số văn bản,Ngày văn bản,Cơ quan ban hành,Loại địa bàn,Mã phường/xã,Tên địa bàn,Số nhà từ,Số nhà đến,Chẵn/lẻ';
const GOOD = [
  HEADER,
  `${NBK},2027-2028,1,Theo địa bàn,175,5,,,Nơi ở hiện tại thuộc địa bàn;Anh chị em đang học tại trường,,,123/KH-UBND,15/03/2027,UBND phường Sài Gòn,Khu phố,26740,Khu phố 1,,,`,
  `${NBK},2027-2028,1,,,,,,,,,,,,Khu phố,26740,Khu phố 2,,,`,
  `${HOA_BINH},2027-2028,1,Kết hợp,140,4,4,Đường đi,Nơi ở hiện tại thuộc địa bàn,,,123/KH-UBND,15/03/2027,UBND phường Sài Gòn,Khu phố,26740,Khu phố 3,,,`,
  `${HOA_BINH},2027-2028,1,,,,,,,,,,,,Đường,26740,Hai Bà Trưng,1,99,Lẻ`,
  `${VTT},2027-2028,6,Gần nhà,450,10,7,Đường chim bay,,${NBK};${HOA_BINH},,123/KH-UBND,15/03/2027,UBND phường Sài Gòn,,,,,,`,
].join('\n');

const q = async (query: string, variables: Record<string, unknown>, lang = 'en'): Promise<any> => (await gql(server.url, query, variables, lang, so)).body;
const STEP = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { id status } }`;
const RULES = `query($y: String!, $g: Int!, $w: String) { admissionRules(provinceCode: "79", schoolYear: $y, grade: $g, wardCode: $w) {
  school { id name } method quotaPlaces quotaClasses distanceCapKm distanceMetric priorityGroups
  areas { kind wardCode wardName name houseFrom houseTo parity } feederSchools { id name } sharedWith { id }
  documentNumber documentDate issuingBody sourceTitle isSynthetic } }`;
const CHECK = `query($y: String!, $g: Int!) { admissionRuleCheck(provinceCode: "79", schoolYear: $y, grade: $g) {
  rules overlaps { area wardCode schoolA { id } schoolB { id } } uncoveredWards { wardCode wardName hasSchoolOfLevel } } }`;
async function upload(body: string, lang = 'en') {
  const res = await fetch(`${server.url}/imports?kind=admission-rules&province=79&source=${encodeURIComponent('UBND phường Sài Gòn, kế hoạch tuyển sinh (thử)')}&licence=unknown`, {
    method: 'POST', headers: { authorization: `Bearer ${so}`, 'x-file-name': 'quy-dinh.csv', 'accept-language': lang }, body,
  });
  return (await res.json()) as any;
}
const stored = async () => (await server.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM admission_rule`))[0]!.n;
const wardCount = async () => (await server.ctx.db.raw.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79'`))[0]!.n;

describe('admission rules', () => {
  it('previews, commits and answers a ward\'s rules; reports the wards no rule reaches; changes a quota and reverts', async () => {
    const staged = await upload(GOOD);
    expect(staged).toMatchObject({ status: 'PREVIEW', counts: { ADD: 3 }, errors: [] });
    // Grade 1 reaches Sài Gòn's listed areas and the wards within Hòa Bình's 4 km (its rule is hybrid); the
    // warning says how many wards are left.
    const gap = staged.warnings.find((w: any) => w.key === 'wardsUncovered' && w.values.grade === 1);
    expect(gap.values.n).toBeGreaterThan(100);
    expect(gap.values.n).toBeLessThan(await wardCount());
    // Hai Bà Trưng runs through Sài Gòn on the seed's road network: no street warning.
    expect(staged.warnings.map((w: any) => w.key)).not.toContain('unknownStreet');
    expect(staged.warnings.map((w: any) => w.key)).not.toContain('streetsUnchecked');
    expect(await q(STEP('commitImport'), { id: staged.id })).toMatchObject({ data: { commitImport: { status: 'COMMITTED' } } });

    const grade1 = (await q(RULES, { y: '2027-2028', g: 1 })).data.admissionRules;
    expect(grade1.map((r: any) => r.school.id)).toEqual([HOA_BINH, NBK]); // by name
    expect(grade1[1]).toMatchObject({
      method: 'AREA_LIST', quotaPlaces: 175, quotaClasses: 5, distanceCapKm: null, distanceMetric: null,
      priorityGroups: ['Nơi ở hiện tại thuộc địa bàn', 'Anh chị em đang học tại trường'],
      areas: [
        { kind: 'SUB_WARD', wardCode: '26740', wardName: 'Sài Gòn', name: 'Khu phố 1', houseFrom: null, parity: null },
        { kind: 'SUB_WARD', wardCode: '26740', wardName: 'Sài Gòn', name: 'Khu phố 2' },
      ],
      documentNumber: '123/KH-UBND', documentDate: '2027-03-15', issuingBody: 'UBND phường Sài Gòn',
      sourceTitle: 'UBND phường Sài Gòn, kế hoạch tuyển sinh (thử)', isSynthetic: false,
    });
    expect(grade1[0]).toMatchObject({ method: 'HYBRID', distanceCapKm: 4, distanceMetric: 'ROAD' });
    expect(grade1[0].areas[1]).toEqual({ kind: 'STREET', wardCode: '26740', wardName: 'Sài Gòn', name: 'Hai Bà Trưng', houseFrom: 1, houseTo: 99, parity: 'ODD' });
    const grade6 = (await q(RULES, { y: '2027-2028', g: 6 })).data.admissionRules;
    expect(grade6).toHaveLength(1);
    expect(grade6[0]).toMatchObject({ method: 'NEAREST_BY_DISTANCE', distanceCapKm: 7, distanceMetric: 'STRAIGHT', areas: [] });
    expect(grade6[0].feederSchools.map((f: any) => f.id).sort()).toEqual([HOA_BINH, NBK].sort());
    // Tân Định's rules: none of its schools has one, and no rule takes an area in it.
    expect((await q(RULES, { y: '2027-2028', g: 1, w: '26737' })).data.admissionRules).toEqual([]);
    expect((await q(RULES, { y: '2027-2028', g: 1, w: '26740' })).data.admissionRules).toHaveLength(2);

    // The check: no overlaps; Sài Gòn is covered for grade 6 and so are its neighbours within 7 km.
    const check6 = (await q(CHECK, { y: '2027-2028', g: 6 })).data.admissionRuleCheck;
    expect(check6).toMatchObject({ rules: 1, overlaps: [] });
    const gaps6 = check6.uncoveredWards.map((w: any) => w.wardCode);
    expect(gaps6).not.toContain('26740');
    expect(gaps6).not.toContain('26737');
    expect(gaps6.length).toBeGreaterThan(50);
    expect(check6.uncoveredWards.every((w: any) => typeof w.hasSchoolOfLevel === 'boolean' && w.wardName)).toBe(true);

    // The ward raises Nguyễn Bỉnh Khiêm's quota: one change, the rest unchanged; reverted.
    const raised = await upload(GOOD.replace(',175,5,', ',210,6,'));
    expect(raised).toMatchObject({ status: 'PREVIEW', counts: { ADD: 0, CHANGE: 1, UNCHANGED: 2 } });
    await q(STEP('commitImport'), { id: raised.id });
    expect((await q(RULES, { y: '2027-2028', g: 1, w: '26740' })).data.admissionRules[1]).toMatchObject({ quotaPlaces: 210, quotaClasses: 6 });
    await q(STEP('revertImport'), { id: raised.id });
    expect((await q(RULES, { y: '2027-2028', g: 1, w: '26740' })).data.admissionRules[1]).toMatchObject({ quotaPlaces: 175 });

    // A third school listing Khu phố 1, which Nguyễn Bỉnh Khiêm already takes: refused, naming both.
    const clash = await upload([HEADER, `${TH_TD},2027-2028,1,Theo địa bàn,120,,,,,,,,,,Khu phố,26740,khu pho 1,,,`].join('\n'), 'vi');
    expect(clash.status).toBe('INVALID');
    expect(clash.errors.map((e: any) => e.message)).toEqual([
      'Dòng 2: địa bàn 26740 · khu pho 1 của Trường Tiểu học Tân Định đã thuộc quy định đang lưu của Trường Tiểu học Nguyễn Bỉnh Khiêm; nếu hai trường tuyển chung, ghi trường kia ở cột "Tuyển chung với".',
    ]);
    // Said to be shared: accepted.
    const shared = await upload([HEADER, `${TH_TD},2027-2028,1,Theo địa bàn,120,,,,,,${NBK},,,,Khu phố,26740,Khu phố 1,,,`].join('\n'));
    expect(shared).toMatchObject({ status: 'PREVIEW', errors: [] });

    await q(STEP('revertImport'), { id: staged.id });
    expect(await stored()).toBe(0);
  });

  it('names each bad rule by row in the reader\'s language and writes nothing', async () => {
    const bad = await upload([
      HEADER,
      `no-such-school,2028-2029,1,Theo địa bàn,100,,,,,,,,,,Phường/xã,26740,,,,`,
      `${NBK},2028-2029,1,Theo địa bàn,0,,,,,,,,,,Phường/xã,26740,,,,`, // quota 0
      `${THCS_SG},2028-2029,6,Theo địa bàn,2000,,,,,,,,,,Phường/xã,26740,,,,`, // above its capacity of 1490
      `${HOA_BINH},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Phường/xã,99999,,,,`, // no such ward
      `${VTT},2028-2029,6,Gần nhà,300,,,,,${THCS_SG},,,,,,,,,,`, // a THCS cannot feed grade 6
      `${NBK},2028-2029,6,Gần nhà,300,,,,,,,,,,,,,,,`, // a primary school does not admit grade 6
      `${TH_TD},2028-2029,1,Theo địa bàn,100,,,,,,,,,,,,,,,`, // by area, but no area
      `${TH_TD},2028-2029,10,Gần nhà,100,,80,,,,,,,,,,,,,`, // grade 10 at a primary school… and an 80 km cap
      `${THCS_SG},2028-2029,1,Theo tuyến,100,,,,,,,,,,,,,,,`, // not a method
    ].join('\n'), 'vi');
    expect(bad.status).toBe('INVALID');
    expect(bad.errors.map((e: any) => [e.row, e.key])).toEqual([
      [3, 'quotaZero'], [8, 'areaListEmpty'], [9, 'badDistanceCap'], [10, 'unknownMethod'],
      [2, 'unknownSchool'], [4, 'quotaAboveCapacity'], [5, 'unknownWard'], [6, 'feederWrongLevel'], [7, 'schoolWrongLevel'],
    ].sort((a, b) => (a[0] as number) - (b[0] as number)));
    const byRow = new Map(bad.errors.map((e: any) => [e.row, e.message]));
    expect(byRow.get(3)).toBe('Dòng 3: chỉ tiêu của Trường Tiểu học Nguyễn Bỉnh Khiêm bằng 0; một trường tuyển sinh phải có chỉ tiêu lớn hơn 0 (bỏ dòng nếu trường không tuyển).');
    expect(byRow.get(4)).toBe('Dòng 4: chỉ tiêu 2000 học sinh của Trường THCS Sài Gòn lớn hơn sức chứa cả trường (1490); kiểm tra lại chỉ tiêu hoặc sửa sức chứa của trường.');
    expect(byRow.get(6)).toBe('Dòng 6: trường nguồn Trường THCS Sài Gòn không phải trường Tiểu học, nên không thể là nguồn cho lớp 6.');
    expect(byRow.get(7)).toBe('Dòng 7: Trường Tiểu học Nguyễn Bỉnh Khiêm không dạy cấp THCS nên không tuyển lớp 6.');
    expect(byRow.get(5)).toBe('Dòng 5: không có phường/xã hiện hành mã 99999.');

    // Two schools listing one street range that overlaps, in one file; and a later row changing a rule's quota.
    const overlap = await upload([
      HEADER,
      `${NBK},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Đường,26740,Lê Lợi,1,80,`,
      `${HOA_BINH},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Đường,26740,Le Loi,60,120,Chẵn`,
      `${HOA_BINH},2028-2029,1,,120,,,,,,,,,,Khu phố,26740,Khu phố 5,,,`,
    ].join('\n'));
    expect(overlap.errors.map((e: any) => e.message)).toEqual([
      'Row 2: the area 26740 · Lê Lợi 1–80 is taken by both Trường Tiểu học Nguyễn Bỉnh Khiêm and Trường Tiểu học Hòa Bình (row 3); if the two schools share it, name the other in the column "Tuyển chung với" (shared with).',
      'Row 4: the column "Chỉ tiêu (học sinh)" differs from row 3 of the same rule (same school, year and grade); leave it empty or repeat row 3.',
    ]);
    // A street the network does not have in that ward: a warning by row (the network may be older than the street).
    const typo = await upload([HEADER, `${NBK},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Đường,26740,Hai Bà Trưg,,,`].join('\n'));
    expect(typo).toMatchObject({ status: 'PREVIEW', errors: [] });
    expect(typo.warnings.find((w: any) => w.key === 'unknownStreet').message)
      .toBe('Row 2: there is no street "Hai Bà Trưg" in ward 26740 on the road network (data as of 2018-01-01); check the spelling, or go on if the street is new.');
    // Odd numbers on one side, even on the other: no overlap.
    const sides = await upload([
      HEADER,
      `${NBK},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Đường,26740,Lê Lợi,1,80,Lẻ`,
      `${HOA_BINH},2028-2029,1,Theo địa bàn,100,,,,,,,,,,Đường,26740,Le Loi,60,120,Chẵn`,
    ].join('\n'));
    expect(sides).toMatchObject({ status: 'PREVIEW', errors: [] });

    expect(await q(STEP('commitImport'), { id: bad.id })).toMatchObject({ errors: [{ extensions: { code: 'IMPORT_INVALID' } }] });
    expect(await stored()).toBe(0);
    for (const [vars, message] of [
      [{ y: '2027-2029', g: 1 }, 'School year "2027-2029" is not valid: write it like 2026-2027.'],
      [{ y: '2027-2028', g: 2 }, 'Entry grade 2 is not valid: only grades 1, 6 and 10.'],
      [{ y: '2027-2028', g: 1, w: 'Sài Gòn' }, 'Ward/commune code "Sài Gòn" is not valid: codes have 5 digits, e.g. 26740.'],
    ] as const) {
      const res = await q(RULES, vars);
      expect(res.errors[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('parallel commits: one preview five times commits once; two wards\' files at once both land', async () => {
    const one = await upload(GOOD.replace(/2027-2028/g, '2029-2030'));
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => q(STEP('commitImport'), { id: one.id })));
    expect(outcomes.map((o) => o.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'IMPORT_STATE', 'OK']);
    const a = await upload([HEADER, `${TH_TD},2030-2031,1,Theo địa bàn,100,,,,,,,,,,Phường/xã,26737,,,,`].join('\n'));
    const b = await upload([HEADER, `${NBK},2030-2031,1,Theo địa bàn,100,,,,,,,,,,Phường/xã,26740,,,,`].join('\n'));
    const both = await Promise.all([a, b].map((s) => q(STEP('commitImport'), { id: s.id })));
    expect(both.map((o) => o.data?.commitImport?.status)).toEqual(['COMMITTED', 'COMMITTED']);
    expect((await q(RULES, { y: '2030-2031', g: 1 })).data.admissionRules).toHaveLength(2);
    for (const id of [b.id, a.id, one.id]) await q(STEP('revertImport'), { id });
    expect(await stored()).toBe(0);
  });
});
