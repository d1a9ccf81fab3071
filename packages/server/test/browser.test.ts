// Opens the real web app in Debian's headless Chromium (SwiftShader WebGL) against the real server.
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_VIEW_BUDGET, measureFirstView } from '../bench/first-view-measure.ts';
import { SHOTS, clickMapAt, mapIdle as idle, useBrowser } from './browser-support.ts';

const b = useBrowser();
let page: Page;
let ctx: typeof b.ctx;
beforeAll(async () => {
  page = await b.newPage();
  ctx = b.ctx;
});
const mapIdle = () => idle(page);

describe('the first screen', () => {
  it('shows the central HCMC wards and schools by level, with a Vietnamese legend and the data notice', async () => {
    // What the first view costs a visitor, measured on the wire in a fresh profile (nothing cached).
    const first = await measureFirstView(page, ctx.server.url);
    expect(first.total, first.resources.map((r) => `${r.bytes} ${r.url}`).join('\n')).toBeLessThan(FIRST_VIEW_BUDGET);
    await mapIdle();
    const map = page.getByTestId('map');
    const schools = Number(await map.getAttribute('data-rendered-schools'));
    const wards = Number(await map.getAttribute('data-rendered-wards'));
    expect(schools).toBeGreaterThan(100);
    expect(wards).toBeGreaterThanOrEqual(5);
    // Pixels, not just features: the map area of a real screenshot holds many colours, not a blank canvas.
    const png = PNG.sync.read(await map.screenshot());
    const seen = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 13) seen.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    const colours = seen.size;
    expect(colours).toBeGreaterThan(5);
    await expect.poll(() => page.getByTestId('legend').innerText()).toContain('Mầm non');
    expect(await page.getByTestId('legend').innerText()).toContain('Tiểu học');
    expect(await page.getByTestId('data-notice').innerText()).toMatch(/mô phỏng/);
    expect(await page.getByTestId('sources').innerText()).toMatch(/OpenStreetMap contributors/);
    expect(await page.locator('.maplibregl-ctrl-attrib').textContent()).toMatch(/OpenStreetMap/);
    await page.screenshot({ path: `${SHOTS}/first-screen.png` });
  });

  it('opens a school\'s details when its marker is clicked', async () => {
    const target = await ctx.db.raw.query<{ id: string; name: string; lng: number; lat: number }>(
      `SELECT id, name, ST_X(location) lng, ST_Y(location) lat FROM school WHERE id = 'osm-node-1606180393'`);
    const s = target[0]!;
    await page.evaluate(([lng, lat]) => window.__edugisMap!.jumpTo({ center: [lng!, lat!], zoom: 17 }), [s.lng, s.lat]);
    await mapIdle();
    await clickMapAt(page, s.lng, s.lat);
    await expect.poll(() => page.getByTestId('school-details').innerText(), { timeout: 10_000 }).toContain(s.name);
    expect(await page.getByTestId('school-details').innerText()).toMatch(/Dữ liệu thật/);
  });

  it('tells which schools a clicked place is zoned for, with the explanation, and opens the school', async () => {
    // A spot about 55 m east of a public primary school in Phường Sài Gòn; the expected grade-1 school is computed
    // here by the zoning rule itself (the nearest public primary school of the ward), not by the zone polygons.
    const [spot] = await ctx.db.raw.query<{ lng: number; lat: number }>(`SELECT ST_X(location) + 0.0005 lng, ST_Y(location) lat FROM school
      WHERE ward_id = '26740@2025-07-01' AND ownership = 'PUBLIC' AND levels = '{PRIMARY}' ORDER BY id LIMIT 1`);
    const [expected] = await ctx.db.raw.query<{ name: string }>(`SELECT name FROM school WHERE ward_id = '26740@2025-07-01'
      AND ownership = 'PUBLIC' AND 'PRIMARY' = ANY(levels) ORDER BY ST_Distance(location, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1`, [spot!.lng, spot!.lat]);
    // The Sở's calendar for the admissions that come next (from August, next year's), as an import would store it.
    const vn = new Date(Date.now() + 7 * 3600_000);
    const y = vn.getUTCFullYear() + (vn.getUTCMonth() >= 7 ? 1 : 0);
    await ctx.db.raw.query(`INSERT INTO data_source (id, title, licence, attribution) VALUES ('test-calendar', 'Kế hoạch tuyển sinh (thử)', 'unknown', 'Sở GDĐT (thử)')
      ON CONFLICT (id) DO NOTHING`);
    await ctx.db.raw.query(`INSERT INTO admission_calendar_step (province_code, school_year, step, starts_on, ends_on, source_id) VALUES
      ('79', $1, 'DATA_CONFIRMATION', $2, $3, 'test-calendar'), ('79', $1, 'REGISTRATION_GRADE1', $4, $5, 'test-calendar') ON CONFLICT DO NOTHING`,
    [`${y}-${y + 1}`, `${y}-02-03`, `${y}-03-03`, `${y}-06-15`, `${y}-06-30`]);
    const today = vn.toISOString().slice(0, 10);
    const nextLine = today < `${y}-02-03` ? `Sắp tới: Xác nhận dữ liệu, 03/02/${y} – 03/03/${y}`
      : today <= `${y}-03-03` ? `Đang diễn ra: Xác nhận dữ liệu, đến hết 03/03/${y}`
        : today < `${y}-06-15` ? `Sắp tới: Đăng ký lớp 1, 15/06/${y} – 30/06/${y}` : `Đang diễn ra: Đăng ký lớp 1, đến hết 30/06/${y}`;
    await page.evaluate(([lng, lat]) => window.__edugisMap!.jumpTo({ center: [lng!, lat!], zoom: 16 }), [spot!.lng, spot!.lat]);
    await mapIdle();
    await clickMapAt(page, spot!.lng, spot!.lat);
    await expect.poll(() => page.getByTestId('admission-calendar').innerText(), { timeout: 10_000 }).toContain(`Lịch tuyển sinh năm học ${y}-${y + 1}`);
    expect(await page.getByTestId('calendar-next').innerText()).toBe(nextLine);
    expect(await page.getByTestId('admission-calendar').innerText()).toContain('Nguồn: Kế hoạch tuyển sinh (thử)');
    const grade1 = page.getByTestId('grade-1');
    await expect.poll(() => grade1.innerText(), { timeout: 10_000 }).toContain(expected!.name);
    expect(await grade1.innerText()).toMatch(/cách trường \d+ m theo đường chim bay/);
    // How the zone was drawn, in Vietnamese too (the seed's English rule text must not leak into the answer).
    // Said once for both grades, after them: how zones are drawn and that they are synthetic.
    const common = await page.getByTestId('zone-explanation-common').innerText();
    expect(common).toContain('Cách xác định khu vực: mỗi địa chỉ thuộc trường công lập');
    const panelText = await page.getByTestId('zone-panel').innerText();
    expect(panelText.split('Cách xác định khu vực').length - 1).toBe(1);
    expect(panelText.split('khu vực tuyển sinh mô phỏng').length - 1).toBeLessThanOrEqual(1);
    expect(await grade1.innerText()).not.toContain('Cách xác định khu vực');
    expect(panelText).not.toContain('Synthetic:');
    // Grade 1 and grade 6 zones in their own colours on the map, and the home's zoned schools ringed.
    await expect.poll(async () => Number(await page.getByTestId('map').getAttribute('data-zoned-schools')), { timeout: 10_000 }).toBeGreaterThan(0);
    const ringed = await page.evaluate(() => window.__edugisMap!.querySourceFeatures('zoned').map((f) => f.properties.name));
    expect(ringed).toContain(expected!.name);
    expect(await page.getByTestId('zone-panel').innerText()).toContain('Phường Sài Gòn');
    await page.screenshot({ path: `${SHOTS}/zoned.png` });
    await grade1.getByRole('button', { name: expected!.name }).click();
    await expect.poll(() => page.getByTestId('school-details').innerText()).toContain(expected!.name);
  });

  it('switches the whole interface to English', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('legend').innerText()).toContain('Preschool');
    expect(await page.getByTestId('legend').innerText()).toContain('Lower secondary');
    await expect.poll(() => page.getByTestId('data-notice').innerText()).toMatch(/synthetic, not real/);
    expect(await page.getByTestId('school-details').innerText()).toMatch(/Synthetic data|Real data/);
    expect(await page.getByTestId('school-details').innerText()).not.toMatch(/Dữ liệu/);
    await page.screenshot({ path: `${SHOTS}/english.png` });
  });

  it('shows a parent the school the published rules give, the road route drawn on the map, the quota and the calendar', async () => {
    // The ward publishes its rule for next year's intake: a public primary school of Phường Sài Gòn takes the whole ward.
    const [school] = await ctx.db.raw.query<{ id: string; name: string; lng: number; lat: number }>(`SELECT id, name, ST_X(location) lng, ST_Y(location) lat FROM school
      WHERE ward_id = '26740@2025-07-01' AND ownership = 'PUBLIC' AND levels = '{PRIMARY}' ORDER BY id DESC LIMIT 1`);
    await ctx.db.raw.query(`INSERT INTO data_source (id, title, licence, attribution) VALUES ('test-rules', 'Kế hoạch tuyển sinh phường Sài Gòn (thử)', 'unknown', 'UBND phường (thử)')
      ON CONFLICT (id) DO NOTHING`);
    await ctx.db.raw.query(`INSERT INTO admission_rule (school_id, school_year, grade, province_code, method, quota_places, quota_classes, areas, source_id)
      VALUES ($1, '2027-2028', 1, '79', 'AREA_LIST', 105, 3, '[{"kind": "WARD", "ward": "26740"}]', 'test-rules')`, [school!.id]);
    await page.keyboard.press('Escape');
    const spot = { lng: school!.lng + 0.004, lat: school!.lat + 0.002 }; // some 500 m away, in the same ward
    await page.evaluate(([lng, lat]) => window.__edugisMap!.jumpTo({ center: [lng!, lat!], zoom: 15 }), [spot.lng, spot.lat]);
    await mapIdle();
    await clickMapAt(page, spot.lng, spot.lat);
    const rules = page.getByTestId('rules-1');
    await expect.poll(() => rules.innerText(), { timeout: 15_000 }).toContain(school!.name);
    expect(await rules.innerText()).toContain('Quota: 105 pupils (3 classes)');
    expect(await rules.innerText()).toMatch(/\d+ m by road · \d+ min on foot · \d+ min by motorbike|[\d.]+ km by road · \d+ min on foot/);
    expect(await page.getByTestId('grade-1').innerText()).toContain('this address is in the admission area of');
    await expect.poll(() => page.getByTestId('admission-calendar').innerText(), { timeout: 10_000 }).toContain('2027-2028');
    // The route is on the map, drawn along the streets from the home to the school.
    await mapIdle();
    const drawn = await page.evaluate(() => window.__edugisMap!.queryRenderedFeatures(undefined, { layers: ['route-line'] }).length);
    expect(drawn).toBeGreaterThan(0);
    expect(await page.getByTestId('legend').innerText()).toContain('Route to the school (OpenStreetMap)');
    // The area the rule gives the school (the whole ward) is drawn in place of the old zone, called an illustration.
    await expect.poll(() => page.getByTestId('rule-zone-1').innerText(), { timeout: 15_000 })
      .toMatch(/^\s*Illustration, not an official boundary: the listed areas drawn by their wards' boundaries\.$/);
    await mapIdle();
    const layersDrawn = await page.evaluate(() => ['rule-fill', 'zone-fill'].map((l) => window.__edugisMap!.queryRenderedFeatures(undefined, { layers: [l] })
      .filter((f) => (f as { properties: { entryGrade: number } }).properties.entryGrade === 1).length));
    expect(layersDrawn[0]).toBeGreaterThan(0);
    expect(layersDrawn[1]).toBe(0); // grade 1's old drawn zone gives way to the rule's area
    expect(await page.getByTestId('legend').innerText()).toContain('The placed school\'s area by the rules (illustration)');
    await page.screenshot({ path: `${SHOTS}/rules-route.png` });
  });

  it('draws the streets under the schools, with their Vietnamese names, from our own basemap', async () => {
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('map').getAttribute('data-basemap')).toBe('edugis');
    await page.evaluate(() => window.__edugisMap!.jumpTo({ center: [106.6995, 10.7745], zoom: 16 }));
    await mapIdle();
    // Read from what the map drew (the rendered label features), not only from a request.
    const names = await page.evaluate(() => [...new Set(window.__edugisMap!.queryRenderedFeatures(undefined, { layers: ['bm-road-name'] })
      .map((f) => (f as { properties: Record<string, string> }).properties['name:latin']))]);
    expect(names).toContain('Lý Tự Trọng');
    expect(names.length).toBeGreaterThan(5);
    const streets = await page.evaluate(() => window.__edugisMap!.queryRenderedFeatures(undefined, { layers: ['bm-road', 'bm-road-minor'] }).length);
    expect(streets).toBeGreaterThan(20);
    // The schools and wards stay on top, and the attribution names the basemap's source and date.
    expect(Number(await page.getByTestId('map').getAttribute('data-rendered-schools'))).toBeGreaterThan(0);
    await page.locator('.maplibregl-ctrl-attrib-button').click().catch(() => {});
    expect(await page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('© OpenMapTiles © OpenStreetMap contributors (ODbL), extract of 2018-01-01');
    await page.screenshot({ path: `${SHOTS}/basemap-streets.png` });
  });
});
