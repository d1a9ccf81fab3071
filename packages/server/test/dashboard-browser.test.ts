// The ward dashboard in headless Chromium: the choropleth on the map carries the API's figures and changes
// with the metric and the year; the CSV export is UTF-8 with a BOM and parses back to the same figures; a ward's
// detail lists its schools.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SHOTS, mapIdle, useBrowser } from './browser-support.ts';
import { gql } from './support.ts';

const b = useBrowser();
const WARD = '26740';
const state = (page: import('playwright-core').Page, code: string) =>
  page.evaluate((id) => (window.__edugisMap as unknown as { getFeatureState(f: object): { value?: number | null } }).getFeatureState({ source: 'wards', sourceLayer: 'wards', id }).value, code);
async function api(year: string) {
  const { body } = await gql(b.url, `{ maturityByUnit(schoolYear: "${year}", parentCode: "79") { unit { code fullName } schoolCount publishedCount digitalSchoolShare meanGroup1Score overall { level1 level2 level3 } } }`);
  return new Map((body.data.maturityByUnit as any[]).map((r) => [r.unit.code, r]));
}

describe('the ward maturity dashboard', () => {
  it('draws the chosen metric by ward, follows metric and year, exports CSV and opens a ward', async () => {
    const page = await b.newPage({ acceptDownloads: true });
    await page.goto(b.url);
    await mapIdle(page);
    await page.getByTestId('dash-open').click();
    const rows = page.locator('[data-testid=dash-table] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(168);
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
});
