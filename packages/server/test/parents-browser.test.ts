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

  it('finds a home by address: lands on the street, says how sure it is, and answers for that home', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    await mapIdle(page);
    const input = page.getByTestId('search-input');
    const center = async () => page.evaluate(() => { const c = window.__edugisMap!.getCenter(); return [c.lng, c.lat] as [number, number]; });
    const metresToStreet = async (at: [number, number], key: string) => Number((await sql<{ m: number }>(`
      SELECT min(ST_Distance(g::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)) AS m FROM (
        SELECT geom g FROM road_way WHERE name IS NOT NULL AND edugis_street_key(name) = $3
        UNION ALL SELECT geom FROM street_line WHERE edugis_street_key(name) = $3) x`, [at[0], at[1], key]))[0]!.m);
    // A house number the data lacks: the street's stretch, and the note says so.
    await input.fill('12 Lý Tự Trọng');
    await expect.poll(() => page.getByTestId('search-results').innerText(), { timeout: 10_000 }).toContain('Vị trí gần đúng');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('place-note').innerText(), { timeout: 10_000 }).toMatch(/^Vị trí gần đúng: chưa có số nhà 12 trong dữ liệu; đường Lý Tự Trọng, phường /);
    await mapIdle(page);
    expect(await metresToStreet(await center(), 'ly tu trong')).toBeLessThan(5);
    expect(await page.evaluate(() => window.__edugisMap!.getZoom())).toBeGreaterThanOrEqual(16.9);
    // The home is set: its zoned schools are answered.
    await expect.poll(() => page.getByTestId('grade-1').innerText(), { timeout: 10_000 }).toMatch(/Trường|THCS|Tiểu học/);
    // A street typed without accents: picked from the list by its kind.
    await input.fill('nguyen thi minh khai');
    const street = page.getByRole('option').filter({ hasText: /^Đường Nguyễn Thị Minh Khai/ }).first();
    await expect.poll(() => street.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await street.click();
    await expect.poll(() => page.getByTestId('place-note').innerText(), { timeout: 10_000 }).toContain('đường Nguyễn Thị Minh Khai');
    await mapIdle(page);
    expect(await metresToStreet(await center(), 'nguyen thi minh khai')).toBeLessThan(5);
    await page.screenshot({ path: `${SHOTS}/address-search.png` });
    // A pre-2025 ward: the map moves to the wards it went into.
    const [ext] = await sql<{ w: number; s: number; e: number; n: number }>(`SELECT ST_XMin(x) w, ST_YMin(x) s, ST_XMax(x) e, ST_YMax(x) n FROM (
      SELECT ST_Extent(n.boundary)::geometry x FROM admin_unit o JOIN admin_unit d ON d.id = o.parent_id
      JOIN admin_unit_crosswalk c ON c.old_unit_id = o.id JOIN admin_unit n ON n.id = c.new_unit_id
      WHERE o.full_name = 'Phường 12' AND d.full_name = 'Quận 3') t`);
    await page.evaluate(() => window.__edugisMap!.jumpTo({ center: [106.75, 10.85], zoom: 12 }));
    await mapIdle(page);
    await input.fill('Phường 12, Quận 3');
    await expect.poll(() => page.getByTestId('search-results').innerText(), { timeout: 10_000 }).toContain('Nay thuộc');
    await input.press('Enter');
    await mapIdle(page);
    const [lng, lat] = await center();
    expect(lng).toBeGreaterThan(ext!.w); expect(lng).toBeLessThan(ext!.e);
    expect(lat).toBeGreaterThan(ext!.s); expect(lat).toBeLessThan(ext!.n);
    const bounds = await page.evaluate(() => window.__edugisMap!.getBounds().toArray().flat());
    expect(bounds[0]!).toBeLessThanOrEqual(ext!.w + 1e-4); expect(bounds[2]!).toBeGreaterThanOrEqual(ext!.e - 1e-4);
    // Nothing found: it says what search covers.
    await input.fill('zzqxv wwyk');
    await expect.poll(() => page.getByTestId('search-coverage').innerText(), { timeout: 10_000 }).toMatch(/Không tìm thấy kết quả\. Tìm kiếm bao gồm .*đường phố và số nhà ở Thành phố Hồ Chí Minh/);
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

  it('keeps the home through opening schools and comparing, marks its zoned schools, and Back walks the views', async () => {
    const [spot] = await sql<{ lng: number; lat: number }>(`SELECT ST_X(location) + 0.0004 lng, ST_Y(location) lat FROM school
      WHERE ward_id = '26740@2025-07-01' AND ownership = 'PUBLIC' AND levels = '{PRIMARY}' ORDER BY id LIMIT 1`);
    const page = await b.newPage();
    await page.goto(`${b.url}/?at=${spot!.lng.toFixed(6)},${spot!.lat.toFixed(6)}`);
    const first = page.getByTestId('grade-1').locator('li button.link').first();
    await expect.poll(() => first.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const a = await first.innerText();
    const home = page.url();
    await first.click();
    const profile = page.getByTestId('school-details');
    await expect.poll(() => profile.locator('h2').innerText(), { timeout: 10_000 }).toBe(a);
    // The home stays: in the address, and on the panel with a way back to its zoned schools.
    expect(page.url()).toContain('at=');
    await expect.poll(() => page.getByTestId('home-bar').isVisible()).toBe(true);
    await page.getByTestId('compare-toggle').click();
    await page.getByTestId('back-to-home').click();
    await expect.poll(() => page.getByTestId('zone-in-compare').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const second = page.getByTestId('grade-6').locator('li button.link').first();
    const b6 = await second.innerText();
    await second.click();
    await expect.poll(() => profile.locator('h2').innerText(), { timeout: 10_000 }).toBe(b6);
    await page.getByTestId('compare-toggle').click();
    const compare = page.getByTestId('compare');
    await expect.poll(() => compare.innerText(), { timeout: 10_000 }).toContain(b6);
    expect(await compare.innerText()).toContain(a);
    // Compare says which are the home's zoned schools, grade by grade.
    expect(await compare.getByTestId('compare-zoned').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/lớp 1/), expect.stringMatching(/lớp 6/)]));
    // Filters do not drop the home either.
    await page.getByTestId('filters').locator('select').first().selectOption('PRIMARY');
    expect(page.url()).toContain('at=');
    // Back: the previous views, inside the app, the home kept.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('compare')?.split(',').length ?? 0, { timeout: 5_000 }).toBe(1);
    await expect.poll(() => profile.locator('h2').innerText(), { timeout: 10_000 }).toBe(b6);
    expect(page.url()).toContain(b.url);
    await page.goBack();
    await expect.poll(() => page.getByTestId('zone-panel').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toContain('at=');
    await page.goBack();
    await expect.poll(() => profile.locator('h2').innerText(), { timeout: 10_000 }).toBe(a);
    await page.goForward();
    await expect.poll(() => page.getByTestId('zone-panel').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(home).toContain('at=');
    await page.context().close();
  });

  it('survives a panel whose code fails to load: says so, and loads it on retry', async () => {
    const page = await b.newPage();
    await page.route(/\/assets\/Dashboard-[^/]+\.js$/, (route) => route.abort('connectionrefused'));
    await page.goto(b.url);
    await mapIdle(page);
    await page.getByTestId('dash-open').click();
    await expect.poll(() => page.getByTestId('dashboard-failed').innerText(), { timeout: 10_000 }).toMatch(/Không tải được phần này/);
    // The rest of the page still works.
    expect(await page.getByTestId('search-input').isVisible()).toBe(true);
    await page.unroute(/\/assets\/Dashboard-[^/]+\.js$/);
    await page.getByTestId('panel-retry').click();
    await expect.poll(() => page.getByTestId('dashboard-failed').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid=dashboard]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.context().close();
  });

  it('draws the wards of the province in view and says plainly where it holds no schools (Hà Nội)', async () => {
    const page = await b.newPage();
    const tiles: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/tiles/wards/')) tiles.push(r.url()); });
    await page.goto(b.url);
    await mapIdle(page);
    expect(await page.getByTestId('no-data').count()).toBe(0);
    await page.evaluate(() => window.__edugisMap!.jumpTo({ center: [105.85, 21.03], zoom: 12 }));
    await expect.poll(() => page.getByTestId('no-data').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/^EduGIS chưa có dữ liệu trường học của Thành phố Hà Nội/);
    await mapIdle(page);
    await expect.poll(() => tiles.some((u) => u.includes('province=01')), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => Number(await page.getByTestId('map').getAttribute('data-rendered-wards')), { timeout: 10_000 }).toBeGreaterThan(3);
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

  it('lays the page out for a phone: short header, staff in a menu, 44 px targets, compare and profile readable', async () => {
    const page = await b.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const ids = await sql<{ id: string; name: string }>(`SELECT id, name FROM school WHERE ward_id = '26740@2025-07-01' AND capacity IS NOT NULL ORDER BY id LIMIT 2`);
    await page.goto(`${b.url}/?school=${ids[1]!.id}&compare=${ids.map((x) => x.id).join(',')}`);
    await mapIdle(page);
    const map = (await page.getByTestId('map').boundingBox())!;
    const list = (await page.getByTestId('filters').boundingBox())!;
    expect(map.width).toBeGreaterThan(380);
    expect(list.y).toBeGreaterThan(map.y + map.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The header and the data notice take at most a fifth of the first screen.
    const notice = (await page.getByTestId('data-notice').boundingBox())!;
    expect(notice.y + notice.height).toBeLessThanOrEqual(844 / 5);
    expect(await page.getByTestId('data-notice').innerText()).toMatch(/mô phỏng/);
    // Staff entries are in a menu, not in the parents' header.
    expect(await page.getByTestId('ws-open').isVisible()).toBe(false);
    await page.getByTestId('menu-open').click();
    expect(await page.getByTestId('ws-open').isVisible()).toBe(true);
    await page.getByTestId('menu-open').click();
    // Every control on the first screen is at least 44 px tall.
    const small = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('header button, header input, .side button, .side select, .maplibregl-ctrl-group button'))
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top < innerHeight; })
      .filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.outerHTML.slice(0, 80)));
    expect(small).toEqual([]);
    // Two schools in the link: compare opens at once, as a sheet; closed, the profile is readable (nothing covers it).
    await expect.poll(() => page.getByTestId('compare').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('compare').getByRole('button', { name: 'Đóng' }).click();
    const h2 = page.getByTestId('school-details').locator('h2');
    await expect.poll(() => h2.innerText(), { timeout: 10_000 }).toBe(ids[1]!.name);
    await h2.scrollIntoViewIfNeeded();
    const onTop = async (sel: string, within: string) => page.evaluate(([s, w]) => {
      const e = document.querySelector(s!)!; const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + r.height / 2);
      return !!hit && !!hit.closest(w!) && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1;
    }, [sel, within]);
    expect(await onTop('[data-testid=school-details] h2', '[data-testid=school-details]')).toBe(true);
    // Compare opens over the map, its school names readable.
    await page.getByTestId('compare-open').click();
    const compare = page.getByTestId('compare');
    await expect.poll(() => compare.innerText(), { timeout: 10_000 }).toContain(ids[0]!.name);
    expect(await compare.innerText()).toContain(ids[1]!.name);
    expect(await onTop('[data-testid=compare] thead th .link', '[data-testid=compare]')).toBe(true);
    const box = (await compare.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(845);
    await page.screenshot({ path: `${SHOTS}/phone.png` });
    await page.context().close();
  });
});

describe('accessibility (axe-core)', () => {
  it('finds no serious or critical violation on the main screens', async () => {
    const { source } = await import('axe-core');
    const page = await b.newPage();
    const [s] = await sql<{ id: string; lng: number; lat: number }>(`SELECT id, ST_X(location) + 0.0004 lng, ST_Y(location) lat FROM school
      WHERE ward_id = '26740@2025-07-01' AND ownership = 'PUBLIC' AND levels = '{PRIMARY}' ORDER BY id LIMIT 1`);
    const audit = async (screen: string) => {
      // Evaluated through the devtools protocol: the app's CSP (script-src 'self') rightly refuses inline scripts.
      await page.evaluate(source);
      const found = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } })
          .axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      expect(found, screen).toEqual([]);
    };
    await page.goto(b.url);
    await mapIdle(page);
    await audit('first screen');
    await page.getByTestId('search-input').fill('ly tu trong');
    await expect.poll(() => page.getByTestId('search-results').innerText(), { timeout: 10_000 }).toContain('Lý Tự Trọng');
    await audit('search results');
    await page.goto(`${b.url}/?at=${s!.lng.toFixed(6)},${s!.lat.toFixed(6)}`);
    await expect.poll(() => page.getByTestId('grade-1').innerText(), { timeout: 15_000 }).toMatch(/Trường|Tiểu học/);
    await audit('zone panel');
    await page.goto(`${b.url}/?school=${s!.id}&compare=${s!.id}`);
    await expect.poll(() => page.getByTestId('school-details').innerText(), { timeout: 10_000 }).toMatch(/\S/);
    await page.getByTestId('compare-open').click();
    await audit('profile and compare');
    await page.getByTestId('dash-open').click();
    await expect.poll(() => page.locator('[data-testid=dashboard]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await audit('dashboard');
    await page.getByTestId('ws-open').click();
    await expect.poll(() => page.locator('.workspace').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await audit('staff sign-in');
    await page.context().close();
  });
});
