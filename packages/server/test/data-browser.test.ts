// Putting a city's data in, in headless Chromium: a province officer uploads a schools file whose bad row is shown
// (row and message, in Vietnamese) and blocks the commit, uploads the fixed file, reads the preview, commits, and
// finds the new school from the parents' search and in the downloads without a restart. An admin creates accounts
// by CSV; the one-time password is shown once; its person signs in with it and must set a password first.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHOTS, useBrowser } from './browser-support.ts';

const b = useBrowser();

async function signIn(page: Page, username: string, password = 'edugis-demo') {
  if ((await page.getByTestId('login-form').count()) === 0) await page.getByTestId('ws-open').click();
  await page.getByTestId('ws-username').fill(username);
  await page.getByTestId('ws-password').fill(password);
  await page.getByTestId('ws-signin').click();
  await page.waitForSelector('[data-testid=ws-who]', { timeout: 15_000 });
}
async function uploadAs(page: Page, kind: string, name: string, text: string) {
  await page.getByTestId('import-kind').selectOption(kind);
  await page.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByTestId('import-upload').click();
  await page.getByTestId('import-preview').waitFor({ timeout: 30_000 });
}

const HEADER = 'Mã trường,Tên trường,Cấp học,Loại hình,Địa chỉ,Mã phường/xã,Kinh độ,Vĩ độ,Sức chứa';
const GOOD = 'B12-001,Trường Tiểu học Thử Nghiệm Bến Thành,Tiểu học,Công lập,15 Lê Thánh Tôn,,106.7010,10.7760,900';
const SWAPPED = 'B12-002,Trường THCS Thử Nghiệm Hai,THCS,Công lập,,,10.7800,106.6950,800';
const FIXED = 'B12-002,Trường THCS Thử Nghiệm Hai,THCS,Công lập,,,106.6950,10.7800,800';

describe('imports and accounts, in the browser', () => {
  it('a province officer: the bad row blocks the commit, the fixed file commits, the parents\' map finds the school', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    // The dashboard's count of the ward the new school lands in, before the import.
    const [{ ward }] = await b.ctx.db.raw.query<{ ward: string }>(`SELECT code AS ward FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL
      AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(106.701, 10.776), 4326))`) as [{ ward: string }];
    const wardCell = page.locator(`[data-testid=dash-table] tr[data-code="${ward}"] td`).nth(1);
    await page.getByTestId('dash-open').click();
    const [published, schools] = (await wardCell.innerText({ timeout: 30_000 })).split('/').map((x) => parseInt(x, 10)) as [number, number];
    await page.getByTestId('dash-open').click();
    await signIn(page, 'demo.so');
    await page.getByTestId('tab-imports').click();

    await uploadAs(page, 'schools', 'truong-thu.csv', [HEADER, GOOD, SWAPPED].join('\n'));
    await expect.poll(() => page.getByTestId('import-status').innerText()).toBe('Có lỗi: chưa lưu được');
    const errors = await page.getByTestId('import-errors').innerText();
    expect(errors).toMatch(/3\s+Dòng 3: kinh độ 10\.78 và vĩ độ 106\.695 có vẻ bị đảo chỗ/);
    expect(await page.getByTestId('import-commit').isDisabled()).toBe(true);
    expect(await b.ctx.db.raw.query(`SELECT 1 FROM school WHERE official_code LIKE 'B12-%'`)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/import-invalid.png`, fullPage: true });

    await uploadAs(page, 'schools', 'truong-thu-da-sua.csv', [HEADER, GOOD, FIXED].join('\n'));
    await expect.poll(() => page.getByTestId('import-status').innerText()).toBe('Xem trước: chưa lưu');
    expect(await page.getByTestId('import-counts').innerText()).toMatch(/^Thêm 2 · sửa 0/);
    expect(await page.getByTestId('import-items').innerText()).toMatch(/Thêm\s+Trường Tiểu học Thử Nghiệm Bến Thành/);
    // The rows on a map too, coloured by what happens to them.
    await expect.poll(() => page.getByTestId('preview-map').getAttribute('aria-label')).toBe('2 dòng có toạ độ trên bản đồ');
    await page.screenshot({ path: `${SHOTS}/import-preview.png`, fullPage: true });
    await page.getByTestId('import-commit').click();
    await expect.poll(() => page.getByTestId('import-message').innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu\./);
    await expect.poll(() => page.getByTestId('import-history').innerText()).toMatch(/truong-thu-da-sua\.csv\s+Chuyên viên Sở GDĐT \(demo\)\s+Đã lưu/);
    const [row] = await b.ctx.db.raw.query<{ ward: string; source: string }>(`SELECT w.code AS ward, d.title AS source FROM school s
      JOIN admin_unit w ON w.id = s.ward_id JOIN data_source d ON d.id = s.source_id WHERE s.official_code = 'B12-001'`);
    expect(row!.source).toBe('truong-thu-da-sua.csv');

    // Parents see it at once: search finds it, the downloads hold it (no restart, no cache to wait out).
    await page.getByRole('button', { name: 'Đóng' }).click();
    await page.getByTestId('search-input').fill('Thử Nghiệm Bến Thành');
    await expect.poll(() => page.getByTestId('search-results').innerText(), { timeout: 10_000 }).toMatch(/Trường Tiểu học Thử Nghiệm Bến Thành/);
    const geo = await page.evaluate(async () => (await fetch('/geo/schools.geojson?province=79')).json()) as { features: { properties: { name: string } }[] };
    expect(geo.features.some((f) => f.properties.name === 'Trường Tiểu học Thử Nghiệm Bến Thành')).toBe(true);
    // The dashboard counts it in its ward at once (a school without a result yet).
    await page.getByTestId('dash-open').click();
    await expect.poll(() => wardCell.innerText(), { timeout: 15_000 }).toBe(`${published}/${schools + 1}`);
  });

  it('an admin imports accounts by CSV; the new officer signs in with the one-time password and must set a password', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    await signIn(page, 'demo.quantri');
    await page.getByTestId('tab-imports').click();
    const [w] = await b.ctx.db.raw.query<{ code: string }>(`SELECT w.code FROM app_user u JOIN admin_unit w ON w.id = u.unit_id WHERE u.username = 'demo.phuong'`);
    await uploadAs(page, 'accounts', 'can-bo.csv', ['Tên đăng nhập,Họ và tên,Vai trò,Phạm vi', `pham.dung,Phạm Dũng,Cán bộ phường/xã,${w!.code}`].join('\n'));
    await expect.poll(() => page.getByTestId('import-counts').innerText()).toMatch(/^Thêm 1/);
    await page.getByTestId('import-commit').click();
    await page.getByTestId('one-time-passwords').waitFor({ timeout: 15_000 });
    const otp = await page.getByTestId('otp-pham.dung').innerText();
    expect(otp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    // Shown once: reopening the import does not show it again.
    await page.getByTestId('import-history').getByRole('button', { name: 'Mở' }).first().click();
    await expect.poll(() => page.getByTestId('one-time-passwords').count()).toBe(0);
    await page.getByTestId('ws-signout').click();
    await page.getByTestId('login-form').waitFor();

    await signIn(page, 'pham.dung', otp);
    await page.getByTestId('set-password-form').waitFor();
    expect(await page.getByTestId('queue').count()).toBe(0); // nothing else opens before
    await page.getByTestId('pw-current').fill(otp);
    await page.getByTestId('pw-new').fill('pham.dung-2026');
    await page.getByTestId('pw-again').fill('pham.dung-2026');
    await page.getByTestId('pw-save').click();
    await expect.poll(() => page.getByTestId('pw-error').innerText()).toMatch(/quá dễ đoán/);
    await page.getByTestId('pw-new').fill('Phố cổ mưa phùn 2026');
    await page.getByTestId('pw-again').fill('Phố cổ mưa phùn 2026');
    await page.getByTestId('pw-save').click();
    await page.getByTestId('queue').waitFor({ timeout: 15_000 });
    const [u] = await b.ctx.db.raw.query<{ must: boolean }>(`SELECT must_change_password AS must FROM app_user WHERE username = 'pham.dung'`);
    expect(u!.must).toBe(false);
    await page.screenshot({ path: `${SHOTS}/first-sign-in.png`, fullPage: true });
  });

  it('a ward officer accepts a parent\'s report, drags the school to its place; the ward, the map and the downloads follow', async () => {
    // A school of the demo ward, and a parent saying it is 500 m east.
    const [school] = await b.ctx.db.raw.query<{ id: string; name: string; x: number; y: number }>(`
      SELECT s.id, s.name, ST_X(s.location) AS x, ST_Y(s.location) AS y FROM school s JOIN app_user u ON u.unit_id = s.ward_id
      WHERE u.username = 'demo.phuong' AND s.location IS NOT NULL ORDER BY s.id LIMIT 1`);
    const proposed = [Number((school!.x + 0.0045).toFixed(5)), Number(school!.y.toFixed(5))];
    const rep = await fetch(`${b.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation($s: ID!, $x: Float, $y: Float) { reportProblem(schoolId: $s, kind: WRONG_LOCATION, message: "Trường ở phía đông, cạnh chợ", longitude: $x, latitude: $y) { id } }`,
        variables: { s: school!.id, x: proposed[0], y: proposed[1] } }),
    });
    const reportId = ((await rep.json()) as any).data.reportProblem.id;

    const page = await b.newPage();
    await page.goto(b.url);
    await signIn(page, 'demo.phuong');
    await page.getByTestId('tab-reports').click();
    const row = page.getByTestId('report-row').filter({ hasText: 'cạnh chợ' });
    // How far the parent's point is from the stored one, and both on a map, before deciding.
    expect(await row.getByTestId('report-distance').innerText()).toMatch(/^Điểm phụ huynh đánh dấu cách vị trí đang lưu 49\d m\.$/);
    await row.getByTestId('report-map-toggle').click();
    await expect.poll(() => row.getByTestId('preview-map').getAttribute('aria-label')).toBe(`Bản đồ: vị trí đang lưu và vị trí phụ huynh đánh dấu cho ${school!.name}`);
    expect(await row.locator('figcaption').innerText()).toMatch(/vị trí đang lưu\s+vị trí phụ huynh đánh dấu/);
    await row.locator('[data-testid=preview-map][data-ready=true]').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}/report-map.png`, fullPage: true });
    await row.getByTestId('report-accept').click();
    await page.getByTestId('school-editor').waitFor();
    // Prefilled with the parent's point.
    await expect.poll(() => page.getByTestId('edit-lng').inputValue()).toBe(proposed[0]!.toFixed(6));
    await page.waitForFunction(() => window.__edugisEditMap?.loaded(), undefined, { timeout: 20_000 });
    // The officer knows better: drag the point 80 px west and 40 px south of where the parent put it.
    const pin = (await page.getByTestId('edit-pin').boundingBox())!;
    const [cx, cy] = [pin.x + pin.width / 2, pin.y + pin.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(cx - 10 * i, cy + 5 * i);
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('edit-lng').inputValue()).not.toBe(proposed[0]!.toFixed(6));
    const lng = Number(await page.getByTestId('edit-lng').inputValue());
    const lat = Number(await page.getByTestId('edit-lat').inputValue());
    expect(lng).toBeLessThan(proposed[0]!);
    expect(lat).toBeLessThan(proposed[1]!);
    await page.screenshot({ path: `${SHOTS}/school-drag.png`, fullPage: true });
    await page.getByTestId('edit-save').click();
    await expect.poll(() => page.getByTestId('edit-message').innerText(), { timeout: 10_000 }).toMatch(/^Đã lưu\. Trường thuộc /);
    // The school's history shows who moved it and why.
    await expect.poll(() => page.getByTestId('school-history').innerText()).toMatch(/Cán bộ văn hóa – xã hội phường \(demo\)\s+[^\n]*lng, lat\s+Theo phản ánh của phụ huynh/);

    // The database moved it, put it in the ward its point is in, kept the history and accepted the report.
    const [after] = await b.ctx.db.raw.query<{ x: number; y: number; ward: string; pip: string; status: string; reason: string }>(`
      SELECT ST_X(s.location) AS x, ST_Y(s.location) AS y, w.full_name AS ward,
        (SELECT u.full_name FROM admin_unit u WHERE u.level = 'WARD' AND u.valid_to IS NULL AND ST_Intersects(u.boundary, s.location) ORDER BY u.id LIMIT 1) AS pip,
        (SELECT status FROM problem_report WHERE id = $2) AS status,
        (SELECT reason FROM school_change WHERE school_id = s.id ORDER BY id DESC LIMIT 1) AS reason
      FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE s.id = $1`, [school!.id, reportId]);
    expect(after!.x).toBeCloseTo(lng, 5);
    expect(after!.y).toBeCloseTo(lat, 5);
    expect(after!.ward).toBe(after!.pip);
    expect(await page.getByTestId('edit-message').innerText()).toBe(`Đã lưu. Trường thuộc ${after!.ward}.`);
    expect(after).toMatchObject({ status: 'ACCEPTED', reason: 'Theo phản ánh của phụ huynh' });
    // The parents' map and the downloads have the new point at once.
    const geo = await page.evaluate(async () => (await fetch('/geo/schools.geojson?province=79')).json()) as { features: { properties: { id: string }; geometry: { coordinates: number[] } }[] };
    const f = geo.features.find((x) => x.properties.id === school!.id)!;
    // (Downloads round coordinates to 5 decimals, about a metre.)
    expect(Math.abs(f.geometry.coordinates[0]! - lng)).toBeLessThanOrEqual(0.0000051);
    expect(Math.abs(f.geometry.coordinates[1]! - lat)).toBeLessThanOrEqual(0.0000051);
  });

  it('children per ward: the template lists every ward, the filled one is previewed and committed, the short wards show', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    await signIn(page, 'demo.so');
    await page.getByTestId('tab-demand').click();
    await page.getByTestId('demand-year').fill('2028-2029');
    await expect.poll(() => page.getByTestId('demand-summary').innerText(), { timeout: 15_000 })
      .toMatch(/^Chưa có số trẻ nào cho năm học 2028-2029 ở 168 phường\/xã/);

    // The template: every ward of HCMC, named, with the (empty) figure to fill in.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('demand-template').click()]);
    expect(dl.suggestedFilename()).toBe('edugis-so-tre-79-PRIMARY-2028-2029.csv');
    const lines = (await readFile((await dl.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('Mã phường/xã,Tên phường/xã,Số trẻ');
    expect(lines).toHaveLength(169);
    // The ward with the most primary seats gets fewer children than seats; another more children than its seats.
    const seats = await b.ctx.db.raw.query<{ code: string; seats: number }>(`
      SELECT w.code, sum(s.capacity)::int AS seats FROM school s JOIN admin_unit w ON w.id = s.ward_id
      WHERE w.province_code = '79' AND 'PRIMARY' = ANY (s.levels) AND s.capacity IS NOT NULL AND s.enrolment IS NOT NULL
      GROUP BY w.code ORDER BY seats DESC, w.code LIMIT 2`);
    const [roomy, short] = seats as [{ code: string; seats: number }, { code: string; seats: number }];
    const filled = lines.map((l) => (l.startsWith(`${roomy.code},`) ? `${l}${Math.floor(roomy.seats / 2)}`
      : l.startsWith(`${short.code},`) ? `${l}${short.seats + 500}` : l));
    await page.getByTestId('demand-file').setInputFiles({ name: 'so-tre.csv', mimeType: 'text/csv', buffer: Buffer.from(filled.join('\n')) });
    await page.getByTestId('demand-source').fill('Công an TP, dữ liệu dân cư (thử)');
    await page.getByTestId('demand-upload').click();
    await expect.poll(() => page.getByTestId('import-counts').innerText(), { timeout: 30_000 }).toMatch(/^Thêm 2 · sửa 0/);
    await page.getByTestId('import-commit').click();
    await expect.poll(() => page.getByTestId('import-message').innerText(), { timeout: 15_000 }).toMatch(/^Đã lưu\./);

    await expect.poll(() => page.getByTestId('demand-summary').innerText(), { timeout: 15_000 }).toMatch(/^2\/168 phường\/xã có số trẻ: .* 1 phường\/xã thiếu chỗ\.$/);
    const row = page.locator(`[data-testid=demand-table] tr[data-ward="${short.code}"]`);
    expect(await row.innerText()).toMatch(/Thiếu chỗ\s+Công an TP, dữ liệu dân cư \(thử\)$/);
    await page.getByTestId('demand-only-short').check();
    expect(await page.locator('[data-testid=demand-table] tbody tr').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/ward-demand.png`, fullPage: true });
    const [stored] = await b.ctx.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM ward_demand WHERE school_year = '2028-2029' AND level = 'PRIMARY'`);
    expect(stored!.n).toBe(2);
  });

  it('admission rules: a province officer changes a quota with its reason, sees it saved, and undoes it from the history', async () => {
    const sql = (text: string, params: unknown[] = []) => b.ctx.db.raw.query(text, params);
    await sql(`INSERT INTO data_source (id, title, licence, attribution) VALUES ('test-rules-ui', 'Kế hoạch tuyển sinh (thử)', 'unknown', 'UBND (thử)') ON CONFLICT DO NOTHING`);
    await sql(`UPDATE school SET capacity = 900 WHERE id = 'syn-26740-primary-1'`);
    await sql(`INSERT INTO admission_rule (school_id, school_year, grade, province_code, method, quota_places, quota_classes, areas, source_id) VALUES
      ('syn-26740-primary-1', '2031-2032', 1, '79', 'AREA_LIST', 140, 4, '[{"kind": "WARD", "ward": "26740"}]', 'test-rules-ui')`);
    const page = await b.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(b.url);
    await signIn(page, 'demo.so');
    await page.getByTestId('tab-rules').click();
    await page.getByTestId('rules-year').fill('2031-2032');
    const row = page.locator('[data-testid=rules-table] tr[data-id="syn-26740-primary-1"]');
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toMatch(/140 \(4 lớp\)\s+—\s+Sài Gòn/);
    expect(await row.innerText()).toContain('Dữ liệu mô phỏng'); // a synthetic school says so
    await row.getByTestId('rules-edit').click();
    await page.getByTestId('rules-places').fill('175');
    await page.getByTestId('rules-classes').fill('5');
    await page.getByTestId('rules-reason').fill('Quyết định 12/QĐ-UBND bổ sung một lớp');
    await page.getByTestId('rules-save').click();
    await expect.poll(() => page.getByTestId('rules-outcome').innerText(), { timeout: 15_000 })
      .toMatch(/^Đã lưu: chỉ tiêu của .+ nay là 175 học sinh\. Có thể hoàn tác/);
    await expect.poll(() => row.innerText()).toMatch(/175 \(5 lớp\)/);
    // Above the school's capacity: refused, saying why, nothing changed.
    await row.getByTestId('rules-edit').click();
    await page.getByTestId('rules-places').fill('950');
    await page.getByTestId('rules-reason').fill('thử');
    await page.getByTestId('rules-save').click();
    await expect.poll(() => page.getByTestId('rules-outcome').innerText(), { timeout: 15_000 }).toMatch(/^Không lưu được: chỉ tiêu 950 học sinh .* lớn hơn sức chứa cả trường \(900\)/);
    await page.getByRole('button', { name: 'Hủy' }).click();
    // The history: the change is an import of its own, undone with "Hoàn tác".
    await page.getByTestId('tab-imports').click();
    const entry = page.locator('[data-testid=import-history] tr', { hasText: 'edugis-sua-quy-dinh-syn-26740-primary-1-2031-2032-lop1.csv' });
    await entry.getByRole('button', { name: 'Hoàn tác' }).click();
    await expect.poll(async () => (await sql(`SELECT quota_places FROM admission_rule WHERE school_id = 'syn-26740-primary-1' AND school_year = '2031-2032'`))[0], { timeout: 15_000 })
      .toEqual({ quota_places: 140 });
    await page.getByTestId('tab-rules').click();
    await page.getByTestId('rules-year').fill('2031-2032');
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toMatch(/140 \(4 lớp\)/);
    await page.screenshot({ path: `${SHOTS}/rules-edit.png`, fullPage: true });
  });
});
