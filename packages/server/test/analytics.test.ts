// Analytics over HTTP GraphQL, each figure checked against an independent SQL recount from the assessment rows
// (not from published_result, the table the analytics read), including after a published correction.
import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';

const server = useTestServer();
const YEAR = '2025-2026';
const sql = <T>(text: string, params: unknown[] = []) => server.ctx.db.raw.query<T>(text, params);
const FIELDS = `unit { code } schoolYear schoolCount publishedCount coverage thinData overall { level1 level2 level3 } group1 { level1 level2 level3 }
  group2 { level1 level2 level3 } digitalSchoolShare meanGroup1Score medianGroup1Score meanGroup2Score medianGroup2Score previousYear
  digitalSchoolShareChange meanGroup1ScoreChange meanGroup2ScoreChange`;

/** The recount: newest published revision per school and year, straight from maturity_assessment, by today's ward. */
async function recount(year: string, filter = 'true') {
  return sql<Record<string, number | string | null>>(`
    WITH r AS (SELECT DISTINCT ON (school_id, school_year) * FROM maturity_assessment WHERE status = 'PUBLISHED' AND school_year = $1
               ORDER BY school_id, school_year, revision DESC),
    s AS (SELECT s.*, w.code AS ward FROM school s JOIN admin_unit w ON w.id = s.ward_id
          WHERE w.province_code = '79' AND s.levels && '{PRIMARY,LOWER_SECONDARY,UPPER_SECONDARY,CONTINUING}' AND ${filter})
    SELECT w.code, count(s.id)::int AS schools, count(r.id)::int AS published,
      count(*) FILTER (WHERE r.overall_level = 'LEVEL_1')::int AS o1, count(*) FILTER (WHERE r.overall_level = 'LEVEL_2')::int AS o2,
      count(*) FILTER (WHERE r.overall_level = 'LEVEL_3')::int AS o3, count(*) FILTER (WHERE r.group2_level = 'LEVEL_3')::int AS b3,
      round(avg(r.group1_score)::numeric, 2)::float8 AS mean_g1, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.group2_score)::numeric, 2)::float8 AS median_g2
    FROM admin_unit w LEFT JOIN s ON s.ward_id = w.id LEFT JOIN r ON r.school_id = s.id
    WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = '79' GROUP BY w.code ORDER BY w.code`, [year]);
}
const byUnit = (vars: Record<string, unknown>, lang = 'en') =>
  gql(server.url, `query($y: String!, $p: String, $u: [String!], $l: SchoolLevel, $o: Ownership) {
    maturityByUnit(schoolYear: $y, parentCode: $p, unitCodes: $u, level: $l, ownership: $o) { ${FIELDS} } }`, vars, lang);

describe('maturityByUnit', () => {
  it('gives every ward of a province with counts, distributions, means, medians and change, equal to a recount', async () => {
    const { body } = await byUnit({ y: YEAR, p: '79' });
    expect(body.errors).toBeUndefined();
    const rows = body.data.maturityByUnit as any[];
    const now = await recount(YEAR);
    const before = new Map((await recount('2024-2025')).map((r) => [r.code, r]));
    expect(rows.map((r) => r.unit.code)).toEqual(now.map((r) => r.code));
    expect(rows).toHaveLength(168);
    for (const [i, r] of rows.entries()) {
      const c = now[i]!;
      expect([r.schoolCount, r.publishedCount, r.overall.level1, r.overall.level2, r.overall.level3, r.group2.level3]).toEqual([c.schools, c.published, c.o1, c.o2, c.o3, c.b3]);
      expect(r.meanGroup1Score).toBe(c.mean_g1);
      expect(r.medianGroup2Score).toBe(c.median_g2);
      const share = (x: Record<string, any>) => (Number(x.published) ? (Number(x.o2) + Number(x.o3)) / Number(x.published) : null);
      expect(r.digitalSchoolShare).toBeCloseTo(share(c) ?? NaN, 4);
      expect(r.digitalSchoolShareChange).toBeCloseTo(share(c)! - share(before.get(c.code)!)!, 3);
      expect(r.thinData).toBe(Number(c.published) < 5);
    }
    expect(rows.some((r) => r.thinData)).toBe(true);
    expect(rows[0].previousYear).toBe('2024-2025');
  });

  it('filters by level and ownership like the recount', async () => {
    const { body } = await byUnit({ y: YEAR, p: '79', l: 'UPPER_SECONDARY', o: 'PUBLIC' });
    const want = await recount(YEAR, `'UPPER_SECONDARY' = ANY (s.levels) AND s.ownership = 'PUBLIC'`);
    expect(body.data.maturityByUnit.map((r: any) => [r.unit.code, r.schoolCount, r.publishedCount, r.overall.level2]))
      .toEqual(want.map((c) => [c.code, c.schools, c.published, c.o2]));
  });

  it('lists the provinces of the country, with empty ones marked thin rather than left out', async () => {
    const { body } = await byUnit({ y: YEAR });
    const rows = body.data.maturityByUnit as any[];
    expect(rows).toHaveLength(34);
    const hcmc = rows.find((r) => r.unit.code === '79');
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int n FROM maturity_assessment WHERE status = 'PUBLISHED' AND school_year = $1`, [YEAR]);
    expect(hcmc.publishedCount).toBe(n);
    expect(rows.find((r) => r.unit.code === '01')).toMatchObject({ schoolCount: 0, publishedCount: 0, digitalSchoolShare: null, thinData: true });
  });

  it('compares 2 to 6 units and refuses an empty, too large or unknown selection, an unknown year and preschools, translated', async () => {
    const { body } = await byUnit({ y: YEAR, p: '79', u: ['26740', '26743'] });
    expect(body.data.maturityByUnit.map((r: any) => r.unit.code)).toEqual(['26740', '26743']);
    const bad: [Record<string, unknown>, RegExp, string?][] = [
      [{ y: YEAR, p: '79', u: [] }, /Choose 2 to 6 units to compare \(0 chosen\)/],
      [{ y: YEAR, p: '79', u: ['26740'] }, /Choose 2 to 6/],
      [{ y: YEAR, p: '79', u: ['26740', '26743', '26746', '26749', '26752', '26755', '26758'] }, /\(7 chosen\)/],
      [{ y: YEAR, p: '79', u: ['26740', '99999'] }, /no unit 99999 in 79/],
      [{ y: '2031-2032', p: '79' }, /no published results for school year "2031-2032"/],
      [{ y: 'soon', p: '79' }, /school year "soon"/],
      [{ y: YEAR, p: '7' }, /Province code "7" is not valid/],
      [{ y: YEAR, p: '98' }, /No current province has code 98/],
      [{ y: YEAR, p: '79', l: 'PRESCHOOL' }, /Preschools are not assessed/],
      [{ y: '2031-2032', p: '79' }, /Không có kết quả đã công bố nào cho năm học "2031-2032"/, 'vi'],
    ];
    for (const [vars, re, lang] of bad) {
      const r = await byUnit(vars, lang);
      expect(r.status).toBe(200);
      expect(r.body.errors?.[0]?.message, JSON.stringify(vars)).toMatch(re);
      expect(r.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
  });

  it('counts a published correction instead of the result it corrects, at once', async () => {
    const [school] = await sql<{ id: string; ward: string }>(`SELECT a.school_id AS id, w.code AS ward FROM maturity_assessment a JOIN school s ON s.id = a.school_id
      JOIN admin_unit w ON w.id = s.ward_id WHERE a.school_year = $1 AND a.overall_level = 'LEVEL_1' ORDER BY a.id LIMIT 1`, [YEAR]);
    const pair = [school!.ward, school!.ward === '26740' ? '26743' : '26740'];
    const mine = async () => ((await byUnit({ y: YEAR, p: '79', u: pair })).body.data.maturityByUnit as any[]).find((r) => r.unit.code === school!.ward);
    const before = await mine();
    await sql(`INSERT INTO maturity_assessment (id, school_id, school_year, revision, corrects_id, index_version, status, group1_score, group2_score,
                 group1_level, group2_level, overall_level, is_synthetic, source_id)
               SELECT id || '-r1', school_id, school_year, 1, id, index_version, 'PUBLISHED', 90, 90, 'LEVEL_3', 'LEVEL_3', 'LEVEL_3', true, source_id
               FROM maturity_assessment WHERE school_id = $1 AND school_year = $2`, [school!.id, YEAR]);
    const after = await mine();
    expect(after.publishedCount).toBe(before.publishedCount);
    expect(after.overall.level1).toBe(before.overall.level1 - 1);
    expect(after.overall.level3).toBe(before.overall.level3 + 1);
    const [c] = (await recount(YEAR)).filter((r) => r.code === school!.ward);
    expect(after.meanGroup1Score).toBe(c!.mean_g1);
  });
});

describe('maturityByFormerUnit (the districts before the July 2025 reform)', () => {
  it('places schools in their former district through the crosswalk, counts the unplaceable apart, equal to a recount', async () => {
    const Y = '2023-2024';
    const { body } = await gql(server.url, `{ maturityByFormerUnit(schoolYear: "${Y}", provinceCode: "79") {
      units { unit { code fullName } schoolCount publishedCount overall { level1 level2 level3 } meanGroup1Score }
      unattributed { unit { name } schoolCount publishedCount } wardsPlaced wardsSplit } }`, {}, 'en');
    expect(body.errors).toBeUndefined();
    const f = body.data.maturityByFormerUnit;
    // Independent recount: each school's former districts from the crosswalk rows of its ward (one → placed).
    const recount = await sql<{ d: string; schools: number; published: number; o1: number; o3: number; mean_g1: number | null }>(`
      WITH r AS (SELECT DISTINCT ON (school_id) * FROM maturity_assessment WHERE status = 'PUBLISHED' AND school_year = $1 ORDER BY school_id, revision DESC),
      place AS (SELECT s.id, CASE WHEN count(DISTINCT d.id) = 1 THEN min(d.code) ELSE '?' END AS d
        FROM school s JOIN admin_unit w ON w.id = s.ward_id JOIN admin_unit_crosswalk x ON x.new_unit_id = w.id
        JOIN admin_unit o ON o.id = x.old_unit_id JOIN admin_unit d ON d.id = (CASE WHEN o.level = 'DISTRICT' THEN o.id ELSE o.parent_id END)
        WHERE w.province_code = '79' AND s.levels && '{PRIMARY,LOWER_SECONDARY,UPPER_SECONDARY,CONTINUING}' GROUP BY s.id)
      SELECT p.d, count(*)::int AS schools, count(r.id)::int AS published, count(*) FILTER (WHERE r.overall_level = 'LEVEL_1')::int AS o1,
        count(*) FILTER (WHERE r.overall_level = 'LEVEL_3')::int AS o3, round(avg(r.group1_score)::numeric, 2)::float8 AS mean_g1
      FROM place p LEFT JOIN r ON r.school_id = p.id GROUP BY p.d ORDER BY p.d`, [Y]);
    const placed = recount.filter((r) => r.d !== '?');
    const byCode = new Map((f.units as any[]).map((u) => [u.unit.code, u]));
    expect(placed.length).toBeGreaterThan(20); // the former districts of HCMC, Bình Dương and Bà Rịa–Vũng Tàu with schools
    for (const r of placed) {
      const u = byCode.get(r.d);
      expect(u, r.d).toBeDefined();
      expect([u.schoolCount, u.publishedCount, u.overall.level1, u.overall.level3, u.meanGroup1Score]).toEqual([r.schools, r.published, r.o1, r.o3, r.mean_g1]);
    }
    expect((f.units as any[]).filter((u) => u.schoolCount > 0)).toHaveLength(placed.length);
    const apart = recount.find((r) => r.d === '?');
    expect(f.unattributed).toMatchObject({ schoolCount: apart?.schools ?? 0, publishedCount: apart?.published ?? 0, unit: { name: expect.stringMatching(/several districts/) } });
    expect(byCode.get('760').unit.fullName).toBe('Quận 1 (Hồ Chí Minh)');
    // Every school is counted once: placed + apart = today's wards' total.
    const today = (await byUnit({ y: Y, p: '79' })).body.data.maturityByUnit as any[];
    const total = today.reduce((a, r) => a + r.schoolCount, 0);
    expect((f.units as any[]).reduce((a, u) => a + u.schoolCount, 0) + f.unattributed.schoolCount).toBe(total);
    expect(f.wardsPlaced + f.wardsSplit).toBe(168);
    expect(f.wardsSplit).toBeGreaterThan(0);
  });

  it('refuses school years after the reform and unknown provinces, translated', async () => {
    const vi = await gql(server.url, `{ maturityByFormerUnit(schoolYear: "2025-2026", provinceCode: "79") { wardsPlaced } }`, {}, 'vi');
    expect(vi.body.errors![0]!.message).toBe('Năm học 2025-2026 đã sau cải cách hành chính 1/7/2025: quận/huyện cũ chỉ có đến năm học 2024-2025.');
    const en = await gql(server.url, `{ maturityByFormerUnit(schoolYear: "2023-2024", provinceCode: "97") { wardsPlaced } }`, {}, 'en');
    expect(en.body.errors![0]!.message).toMatch(/No current province has code 97/);
  });
});

describe('results in progress (includeDrafts)', () => {
  async function login(username: string) {
    const { body } = await gql(server.url, `mutation($u: String!) { login(username: $u, password: "edugis-demo") { __typename ... on MutationLoginSuccess { data { token } } } }`, { u: username });
    return body.data.login.data.token as string;
  }
  const DRAFTS = `query($y: String!, $d: Boolean) { maturityByUnit(schoolYear: $y, parentCode: "79", includeDrafts: $d) {
    unit { code } publishedCount draftCount overall { level1 level2 level3 } meanGroup1Score thinData } }`;
  const row = (body: any, code: string) => (body.data.maturityByUnit as any[]).find((r) => r.unit.code === code);

  it('counts, for staff only and only within their scope, the newest result in progress instead of the published one', async () => {
    // A correction under review in Phường Sài Gòn (26740, the demo ward) and a self-assessment in progress next door (26743).
    const pick = async (ward: string) => (await sql<{ id: string; school_id: string }>(`SELECT a.id, a.school_id FROM maturity_assessment a
      JOIN school s ON s.id = a.school_id JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.code = $1 AND w.valid_to IS NULL AND a.school_year = $2 AND a.status = 'PUBLISHED' AND a.overall_level = 'LEVEL_1' ORDER BY a.id LIMIT 1`, [ward, YEAR]))[0]!;
    const here = await pick('26740');
    const next = await pick('26743');
    const insertDraft = (a: { id: string }, status: string) => sql(`INSERT INTO maturity_assessment (id, school_id, school_year, revision, corrects_id,
        index_version, status, group1_score, group2_score, group1_level, group2_level, overall_level, is_synthetic, source_id)
      SELECT id || '-draft', school_id, school_year, revision + 1, id, index_version, $2, 96, 96, 'LEVEL_3', 'LEVEL_3', 'LEVEL_3', true, source_id
      FROM maturity_assessment WHERE id = $1`, [a.id, status]);
    const anonymous = (await gql(server.url, DRAFTS, { y: YEAR })).body;
    await insertDraft(here, 'UNDER_REVIEW');
    await insertDraft(next, 'SELF_ASSESSED');
    try {
      // Nobody sees drafts without asking, and the published figures did not move.
      expect((await gql(server.url, DRAFTS, { y: YEAR })).body).toEqual(anonymous);
      const pub = row(anonymous, '26740');
      expect(pub.draftCount).toBe(0);

      // Ward staff of 26740: their ward's draft counts (one LEVEL_1 result became LEVEL_3); next door stays published.
      const ward = (await gql(server.url, DRAFTS, { y: YEAR, d: true }, 'en', await login('demo.phuong'))).body;
      expect(ward.errors).toBeUndefined();
      expect(row(ward, '26740')).toMatchObject({ publishedCount: pub.publishedCount - 1, draftCount: 1,
        overall: { level1: pub.overall.level1 - 1, level2: pub.overall.level2, level3: pub.overall.level3 + 1 } });
      expect(row(ward, '26743')).toEqual(row(anonymous, '26743'));
      // The mean equals a recount with the draft's score in place of the published one.
      const [m] = await sql<{ mean: number }>(`SELECT round(avg(CASE WHEN a.school_id = $2 THEN 96 ELSE a.group1_score END)::numeric, 2)::float8 AS mean
        FROM published_result a JOIN school s ON s.id = a.school_id JOIN admin_unit w ON w.id = s.ward_id
        WHERE w.code = '26740' AND w.valid_to IS NULL AND a.school_year = $1 AND s.levels && '{PRIMARY,LOWER_SECONDARY,UPPER_SECONDARY,CONTINUING}'`, [YEAR, here.school_id]);
      expect(row(ward, '26740').meanGroup1Score).toBe(m!.mean);

      // Province staff see both wards' drafts.
      const province = (await gql(server.url, DRAFTS, { y: YEAR, d: true }, 'en', await login('demo.so'))).body;
      expect(row(province, '26740').draftCount).toBe(1);
      expect(row(province, '26743').draftCount).toBe(1);

      // Anonymous visitors and planners are refused, translated.
      const anon = await gql(server.url, DRAFTS, { y: YEAR, d: true }, 'vi');
      expect(anon.body.errors![0]).toMatchObject({ message: 'Hãy đăng nhập để thực hiện thao tác này.', extensions: { code: 'UNAUTHENTICATED' } });
      const planner = await gql(server.url, DRAFTS, { y: YEAR, d: true }, 'en', await login('demo.quyhoach'));
      expect(planner.body.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(planner.body.data).toBeNull();
    } finally {
      await sql(`DELETE FROM maturity_assessment WHERE id = ANY($1)`, [[`${here.id}-draft`, `${next.id}-draft`]]);
    }
  });
});

describe('maturityTrend, peerBenchmark and capacityByWard', () => {
  it('trends a province and a ward over every year, oldest first, matching maturityByUnit', async () => {
    const { body } = await gql(server.url, `{ p: maturityTrend(unitCode: "79") { schoolYear publishedCount digitalSchoolShare }
      w: maturityTrend(unitCode: "26740") { schoolYear publishedCount meanGroup1Score } }`);
    expect(body.data.p.map((r: any) => r.schoolYear)).toEqual(['2022-2023', '2023-2024', '2024-2025', '2025-2026']);
    const shares = body.data.p.map((r: any) => r.digitalSchoolShare);
    expect(shares).toEqual([...shares].sort((a: number, b: number) => a - b)); // the synthetic sector improves each year
    const ward = (await byUnit({ y: '2023-2024', p: '79', u: ['26740', '26743'] })).body.data.maturityByUnit[0];
    expect(body.data.w[1]).toEqual({ schoolYear: '2023-2024', publishedCount: ward.publishedCount, meanGroup1Score: ward.meanGroup1Score });
    const bad = await gql(server.url, `{ maturityTrend(unitCode: "99999") { schoolYear } }`, {}, 'en');
    expect(bad.body.errors![0]!.message).toBe('No current ward/commune has code 99999.');
  });

  it('places a school among its peers (same province, a level in common, enrolment within ±50 %) like a recount', async () => {
    const [me] = await sql<{ id: string }>(`SELECT s.id FROM school s JOIN maturity_assessment a ON a.school_id = s.id AND a.school_year = $1
      WHERE s.levels = '{PRIMARY}' AND s.enrolment IS NOT NULL ORDER BY s.id LIMIT 1`, [YEAR]);
    const { body } = await gql(server.url, `query($id: ID!) { school(id: $id) { peerBenchmark(schoolYear: "${YEAR}") { peerCount group1Score group1Percentile group2Percentile } } }`, { id: me!.id });
    const [want] = await sql<{ peers: number; pct1: number; pct2: number }>(`
      WITH r AS (SELECT DISTINCT ON (school_id) * FROM maturity_assessment WHERE status = 'PUBLISHED' AND school_year = $2 ORDER BY school_id, revision DESC),
      m AS (SELECT s.*, r.group1_score g1, r.group2_score g2 FROM school s JOIN r ON r.school_id = s.id WHERE s.id = $1),
      p AS (SELECT r.group1_score g1, r.group2_score g2 FROM school s JOIN r ON r.school_id = s.id, m
            WHERE s.id <> m.id AND s.levels && m.levels AND s.enrolment BETWEEN m.enrolment * 0.5 AND m.enrolment * 1.5)
      SELECT count(*)::int peers,
        round(100.0 * (count(*) FILTER (WHERE p.g1 < m.g1) + 0.5 * count(*) FILTER (WHERE p.g1 = m.g1)) / count(*), 1)::float8 pct1,
        round(100.0 * (count(*) FILTER (WHERE p.g2 < m.g2) + 0.5 * count(*) FILTER (WHERE p.g2 = m.g2)) / count(*), 1)::float8 pct2
      FROM p, m`, [me!.id, YEAR]);
    expect(body.data.school.peerBenchmark).toMatchObject({ peerCount: want!.peers, group1Percentile: want!.pct1, group2Percentile: want!.pct2 });
    expect(want!.peers).toBeGreaterThan(10);
  });

  it('sums seats and enrolment per ward for a level and flags over- and under-capacity', async () => {
    const { body } = await gql(server.url, `{ capacityByWard(provinceCode: "79", level: PRIMARY) { unit { code } schoolCount seats enrolment fillRate flag } }`);
    const want = await sql<{ code: string; n: number; seats: number | null; enrolment: number | null }>(`
      SELECT w.code, count(s.id)::int n, sum(s.capacity)::int seats, sum(s.enrolment)::int enrolment FROM admin_unit w
      LEFT JOIN school s ON s.ward_id = w.id AND 'PRIMARY' = ANY (s.levels) AND s.capacity IS NOT NULL AND s.enrolment IS NOT NULL
      WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = '79' GROUP BY w.code ORDER BY w.code`);
    const rows = body.data.capacityByWard as any[];
    expect(rows.map((r) => [r.unit.code, r.seats, r.enrolment])).toEqual(want.map((w) => [w.code, w.seats, w.enrolment]));
    for (const r of rows) {
      const f = r.seats ? r.enrolment / r.seats : null;
      expect(r.flag).toBe(r.schoolCount === 0 ? 'NO_SCHOOL' : f === null ? 'OK' : f > 1 ? 'OVER' : f < 0.7 ? 'UNDER' : 'OK');
    }
    const bad = await gql(server.url, `{ capacityByWard(provinceCode: "x1", level: PRIMARY) { flag } }`, {}, 'en');
    expect(bad.body.errors![0]!.message).toMatch(/Province code "x1" is not valid/);
  });
});

describe('loadWardDemand and capacity against demand', () => {
  const login = async (username: string) => (await gql(server.url, `mutation($u: String!) { login(username: $u, password: "edugis-demo") {
    ... on MutationLoginSuccess { data { token } } } }`, { u: username })).body.data.login.data.token as string;
  const LOAD = `mutation($y: String!, $s: String!, $r: [WardDemandInput!]!) { loadWardDemand(schoolYear: $y, level: PRIMARY, source: $s, rows: $r) }`;
  const count = async () => Number((await sql<{ n: number }>(`SELECT count(*)::int n FROM ward_demand`))[0]!.n);

  it('lets province staff load children per ward, all or nothing, and compares seats with them', async () => {
    const so = await login('demo.so');
    const { body } = await gql(server.url, LOAD, { y: '2026-2027', s: 'Khảo sát tuyển sinh 2026 (thử)', r: [{ wardCode: '26740', children: 5000 }, { wardCode: '26743', children: 1 }] }, 'en', so);
    expect(body).toEqual({ data: { loadWardDemand: 2 } });
    const cap = await gql(server.url, `{ capacityByWard(provinceCode: "79", level: PRIMARY) { unit { code } schoolCount seats demand demandSchoolYear demandSource demandFlag } }`);
    const rows = new Map((cap.body.data.capacityByWard as any[]).map((r) => [r.unit.code, r]));
    expect(rows.get('26740')).toMatchObject({ demand: 5000, demandSchoolYear: '2026-2027', demandSource: 'Khảo sát tuyển sinh 2026 (thử)' });
    const a = rows.get('26740');
    expect(a.demandFlag).toBe(a.schoolCount === 0 ? 'NO_SCHOOL' : !a.seats || 5000 / a.seats > 1 ? 'OVER' : 5000 / a.seats < 0.7 ? 'UNDER' : 'OK');
    expect(rows.get('26743').demandFlag).toBe(rows.get('26743').schoolCount === 0 ? 'NO_SCHOOL' : 'UNDER'); // 1 child
    expect(rows.get('26737')).toMatchObject({ demand: null, demandFlag: null });

    // Bad loads are refused, translated, and write nothing.
    const before = await count();
    const cases: [string | undefined, Record<string, unknown>, RegExp][] = [
      [undefined, { y: '2026-2027', s: 'x', r: [{ wardCode: '26740', children: 1 }] }, /Please sign in/],
      ['demo.phuong', { y: '2026-2027', s: 'x', r: [{ wardCode: '26740', children: 1 }] }, /Only province education staff/],
      ['demo.so', { y: '2026-2027', s: 'x', r: [{ wardCode: '26740', children: 7 }, { wardCode: '26740', children: 1 }] }, /Row 2: ward 26740 is already/],
      ['demo.so', { y: '2026-2027', s: 'x', r: [{ wardCode: '26743', children: 7 }, { wardCode: '26740', children: -1 }] }, /Row 2: the number of children/],
      ['demo.so', { y: '2026-2027', s: 'x', r: [{ wardCode: '26743', children: 7 }, { wardCode: '99999', children: 1 }] }, /99999/],
      ['demo.so', { y: '2026-2027', s: 'x', r: [{ wardCode: '00004', children: 1 }] }, /not in your province: 00004/],
      ['demo.so', { y: '2026-2027', s: '  ', r: [{ wardCode: '26740', children: 1 }] }, /Say where the figures come from/],
      ['demo.so', { y: '2026-2027', s: 'x', r: [] }, /Send 1 to 5000 rows/],
      ['demo.so', { y: '26-27', s: 'x', r: [{ wardCode: '26740', children: 1 }] }, /School year "26-27" is not valid/],
    ];
    for (const [who, vars, re] of cases) {
      const r = await gql(server.url, LOAD, vars, 'en', who ? await login(who) : undefined);
      expect(r.body.errors?.[0]?.message, JSON.stringify(vars)).toMatch(re);
    }
    expect(await count()).toBe(before);
    // and the earlier figure is unchanged
    const [{ children }] = await sql<{ children: number }>(`SELECT d.children FROM ward_demand d JOIN admin_unit w ON w.id = d.ward_id WHERE w.code = '26743'`) as [{ children: number }];
    expect(children).toBe(1);
  });
});

describe('unmetCriteria', () => {
  it('counts, over a ward\'s published results scored item by item, the items on each school\'s path to the next level', async () => {
    const { indexVersion, score } = await import('@edugis/maturity');
    const schools = (await sql<{ id: string }>(`SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.code = '26740' AND w.valid_to IS NULL
      AND s.levels && '{PRIMARY,LOWER_SECONDARY}' ORDER BY s.id LIMIT 3`)).map((r) => r.id);
    const met = { '1.1': true, '1.2': true, '2.1': true, '2.2': true };
    const x = { points: { '1.3.1': 6, '1.3.2': 6, '1.3.3': 6, '1.3.4': 6, '1.3.5': 6, '1.4': 10, '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6, '2.3.8': 6 }, mandatory: met };
    const y = { points: x.points, mandatory: { ...met, '1.1': false } };
    for (const [i, id] of schools.entries()) {
      await sql(`INSERT INTO maturity_assessment (id, school_id, school_year, index_version, status, group1_score, group2_score, group1_level, group2_level,
                   overall_level, is_synthetic, source_id, answers) VALUES ($1, $2, '2026-2027', '4725/2022', 'PUBLISHED', 40, 60, 'LEVEL_1', 'LEVEL_2', 'LEVEL_1', true, 'edugis-synthetic', $3)`,
      [`u-${id}`, id, JSON.stringify(i < 2 ? x : y)]);
    }
    const { body } = await gql(server.url, `{ unmetCriteria(unitCode: "26740", schoolYear: "2026-2027", limit: 50) { schoolsWithAnswers items { code mandatory schools points titleVi } } }`);
    expect(body.errors).toBeUndefined();
    const ix = indexVersion('4725/2022')!;
    const want = new Map<string, { schools: number; points: number }>();
    for (const a of [x, x, y]) {
      for (const g of score(ix, { indexVersion: ix.version, ...a }).groups) {
        for (const s of [...(g.path?.mandatoryToMeet ?? []).map((code) => ({ code, points: 0 })), ...(g.path?.items ?? [])]) {
          const w = want.get(s.code) ?? { schools: 0, points: 0 };
          want.set(s.code, { schools: w.schools + 1, points: w.points + s.points });
        }
      }
    }
    const u = body.data.unmetCriteria;
    expect(u.schoolsWithAnswers).toBe(3);
    expect(Object.fromEntries(u.items.map((i: any) => [i.code, { schools: i.schools, points: i.points }]))).toEqual(Object.fromEntries(want));
    expect(u.items.find((i: any) => i.code === '1.1')).toMatchObject({ mandatory: true, schools: 1 });
    expect(u.items[0].schools).toBeGreaterThanOrEqual(u.items.at(-1).schools);
    const none = await gql(server.url, `{ unmetCriteria(unitCode: "26743", schoolYear: "2025-2026") { schoolsWithAnswers items { code } } }`);
    expect(none.body.data.unmetCriteria).toEqual({ schoolsWithAnswers: 0, items: [] });
  });
});
