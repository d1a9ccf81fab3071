// The parents' map in headless Chromium: search, the list with the keyboard, filters and the shareable link,
// compare, report a problem, "my location", and the phone layout.
import { describe, expect, it } from 'vitest';
import { SHOTS, mapIdle, useBrowser } from './browser-support.ts';

const b = useBrowser();
const sql = <T>(text: string, params: unknown[] = []) => b.ctx.db.raw.query<T>(text, params);

describe('the parents\' map', () => {
  it('finds a school by typing without accents, opens its profile and draws its zone', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    await mapIdle(page);
    const input = page.getByTestId('search-input');
    await input.fill('tieu hoc ben thanh');
    await expect.poll(() => page.getByTestId('search-results').innerText(), { timeout: 10_000 }).toContain('Trường Tiểu học Bến Thành');
    await input.press('Enter');
    const profile = page.getByTestId('school-details');
    await expect.poll(() => profile.locator('h2').innerText(), { timeout: 10_000 }).toBe('Trường Tiểu học Bến Thành');
    const text = await profile.innerText();
    expect(text).toMatch(/Dữ liệu mô phỏng/);
    expect(text).toMatch(/Tiểu học · Công lập/);
    expect(text).toMatch(/Khu vực tuyển sinh[\s\S]*Năm học 20\d\d-20\d\d, lớp 1/);
    await page.waitForSelector('[data-testid=zone-minimap] canvas');
    // The map flew to the school and draws its zone.
    await mapIdle(page);
    expect(await page.evaluate(() => window.__edugisMap!.getZoom())).toBeGreaterThanOrEqual(15.9);
    const drawn = await page.evaluate(() => (window.__edugisMap as unknown as { queryRenderedFeatures(o: object): unknown[] }).queryRenderedFeatures({ layers: ['zone-fill'] }).length);
    expect(drawn).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/search-profile.png` });
    await page.context().close();
  });

  it('lists the schools in view as a keyboard-usable twin of the map', async () => {
    const page = await b.newPage();
    await page.goto(`${b.url}/#map=15/10.776/106.698`);
    await mapIdle(page);
    const list = page.getByTestId('school-list');
    await expect.poll(() => list.locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const names = await list.locator('li .name').allInnerTexts();
    // Sorted by name, Vietnamese order.
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y, 'vi')));
    // Only the first item is a tab stop; arrows move between items.
    expect(await list.locator('button[tabindex="0"]').count()).toBe(1);
    await list.locator('button').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.querySelector('.name')?.textContent)).toBe(names[2]);
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.querySelector('.name')?.textContent)).toBe(names[names.length - 1]);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('school-details').locator('h2').innerText(), { timeout: 10_000 }).toBe(names[1]);
    expect(await list.locator('button[aria-current="true"] .name').innerText()).toBe(names[1]);
    await page.context().close();
  });

  it('filters by level and digital school, and a copied link restores filters, view and selection', async () => {
    const page = await b.newPage();
    await page.goto(`${b.url}/#map=14/10.776/106.698`);
    await mapIdle(page);
    await page.getByTestId('filter-level').selectOption('PRIMARY');
    await page.getByTestId('filter-digital').check();
    const list = page.getByTestId('school-list');
    await expect.poll(async () => { const t = await list.locator('li').allInnerTexts(); return t.length > 0 && t.every((x) => x.includes('Trường học số')); }, { timeout: 10_000 }).toBe(true);
    const items = await list.locator('li').allInnerTexts();
    for (const item of items) {
      expect(item).toMatch(/Tiểu học|Nhiều cấp học/);
      expect(item).toContain('Trường học số');
    }
    // The same answer from the database: primary schools in view whose newest published result is Mức 2+.
    const bounds = await page.evaluate(() => { const bb = (window.__edugisMap as unknown as { getBounds(): { toArray(): number[][] } }).getBounds().toArray(); return bb.flat(); });
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int n FROM school s WHERE 'PRIMARY' = ANY(levels)
      AND ST_Intersects(location, ST_MakeEnvelope($1, $2, $3, $4, 4326))
      AND (SELECT overall_level <> 'LEVEL_1' FROM maturity_assessment a WHERE a.school_id = s.id AND status = 'PUBLISHED' ORDER BY school_year DESC LIMIT 1)`, bounds);
    expect(await list.locator('h2').innerText()).toContain(`(${n})`);
    await list.locator('button').first().click();
    const name = items[0]!.split('\n')[0]!;
    await expect.poll(() => page.getByTestId('school-details').locator('h2').innerText()).toBe(name);
    await mapIdle(page);
    const link = page.url();
    expect(link).toMatch(/level=PRIMARY/);
    expect(link).toMatch(/digital=1/);
    expect(link).toMatch(/school=/);
    expect(link).toMatch(/#map=/);

    const other = await b.newPage();
    await other.goto(link);
    await mapIdle(other);
    await expect.poll(() => other.getByTestId('school-details').locator('h2').innerText(), { timeout: 10_000 }).toBe(name);
    expect(await other.getByTestId('filter-level').inputValue()).toBe('PRIMARY');
    expect(await other.getByTestId('filter-digital').isChecked()).toBe(true);
    const zoom = await other.evaluate(() => window.__edugisMap!.getZoom());
    expect(Math.abs(zoom - (await page.evaluate(() => window.__edugisMap!.getZoom())))).toBeLessThan(0.01);
    await page.context().close();
    await other.context().close();
  });

  it('compares schools side by side and takes a problem report', async () => {
    const page = await b.newPage();
    const ids = await sql<{ id: string; name: string }>(`SELECT id, name FROM school WHERE ward_id = '26740@2025-07-01' AND capacity IS NOT NULL ORDER BY id LIMIT 2`);
    for (const s of ids) {
      await page.goto(`${b.url}/?school=${s.id}&compare=${ids.slice(0, ids.indexOf(s)).map((x) => x.id).join(',')}`);
      await expect.poll(() => page.getByTestId('school-details').locator('h2').innerText(), { timeout: 10_000 }).toBe(s.name);
      await page.getByTestId('compare-toggle').click();
    }
    const compare = page.getByTestId('compare');
    await expect.poll(() => compare.innerText(), { timeout: 10_000 }).toContain(ids[1]!.name);
    const table = await compare.innerText();
    expect(table).toContain(ids[0]!.name);
    expect(table).toMatch(/Tỷ lệ lấp đầy/);
    await page.screenshot({ path: `${SHOTS}/compare.png` });

    const before = (await sql<{ n: number }>('SELECT count(*)::int n FROM problem_report'))[0]!.n;
    const report = page.getByTestId('report');
    await report.locator('summary').click();
    await report.getByLabel('Khu vực tuyển sinh sai').check();
    await report.locator('textarea').fill('Khu vực này thuộc trường khác theo thông báo của phường.');
    await report.getByRole('button', { name: 'Gửi' }).click();
    await expect.poll(() => report.innerText()).toMatch(/Phản ánh đã được lưu và chờ cán bộ kiểm duyệt/);
    const rows = await sql<{ kind: string; school_id: string }>('SELECT kind, school_id FROM problem_report ORDER BY created_at DESC LIMIT 1');
    expect((await sql<{ n: number }>('SELECT count(*)::int n FROM problem_report'))[0]!.n).toBe(before + 1);
    expect(rows[0]).toEqual({ kind: 'WRONG_ZONE', school_id: ids[1]!.id });
    await page.context().close();
  });

  it('uses the browser\'s location to answer which schools the home is zoned for', async () => {
    const [spot] = await sql<{ lng: number; lat: number }>(`SELECT ST_X(location) + 0.0004 lng, ST_Y(location) lat FROM school
      WHERE ward_id = '26740@2025-07-01' AND ownership = 'PUBLIC' AND levels = '{PRIMARY}' ORDER BY id LIMIT 1`);
    const page = await b.newPage({ geolocation: { longitude: spot!.lng, latitude: spot!.lat }, permissions: ['geolocation'] });
    await page.goto(b.url);
    await mapIdle(page);
    await page.getByTestId('locate').click();
    const panel = page.getByTestId('zone-panel');
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('Phường Sài Gòn');
    expect(await page.getByTestId('grade-1').innerText()).toMatch(/cách trường \d+ m theo đường chim bay/);
    expect(page.url()).toMatch(/at=106\.\d+,10\.\d+/);
    await page.context().close();
  });

  it('lays the page out for a phone: map on top, panels below, nothing wider than the screen', async () => {
    const page = await b.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(b.url);
    await mapIdle(page);
    const map = (await page.getByTestId('map').boundingBox())!;
    const list = (await page.getByTestId('filters').boundingBox())!;
    expect(map.width).toBeGreaterThan(380);
    expect(list.y).toBeGreaterThan(map.y + map.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/phone.png` });
    await page.context().close();
  });
});
