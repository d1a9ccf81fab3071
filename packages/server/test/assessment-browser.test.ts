// The assessment workflow in headless Chromium: school staff sign in, fill the form generated from the index and
// watch the level change as they type; the principal approves and submits; the ward reviews, changes a score with
// a reason and publishes. Each step is checked in the database, not only on screen.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHOTS, useBrowser } from './browser-support.ts';

const b = useBrowser();
const YEAR_ROW = `SELECT status, version, group1_score AS g1, group2_score AS g2, overall_level AS level FROM maturity_assessment
  WHERE school_id = (SELECT school_id FROM app_user WHERE username = 'demo.canbo') ORDER BY school_year DESC, revision DESC LIMIT 1`;
const row = async () => (await b.ctx.db.raw.query<{ status: string; version: number; g1: number; g2: number; level: string }>(YEAR_ROW))[0]!;

async function signIn(page: Page, username: string) {
  if ((await page.getByTestId('login-form').count()) === 0) await page.getByTestId('ws-open').click();
  await page.getByTestId('ws-username').fill(username);
  await page.getByTestId('ws-password').fill('edugis-demo');
  await page.getByTestId('ws-signin').click();
  await page.waitForSelector('[data-testid=ws-who]', { timeout: 15_000 });
}
async function signOut(page: Page) {
  await page.getByTestId('ws-signout').click();
  await page.waitForSelector('[data-testid=login-form]');
}
const message = (page: Page) => expect.poll(() => page.getByTestId('ws-message').innerText(), { timeout: 10_000 });

describe('the QĐ 4725 assessment, in the browser', () => {
  it('fills the self-assessment with a live level and path, then approves, submits, reviews and publishes', async () => {
    const page = await b.newPage();
    await page.goto(b.url);
    await page.getByTestId('ws-open').waitFor();
    // A wrong password is refused in Vietnamese.
    await page.getByTestId('ws-open').click();
    await page.getByTestId('ws-username').fill('demo.canbo');
    await page.getByTestId('ws-password').fill('sai-mat-khau');
    await page.getByTestId('ws-signin').click();
    await expect.poll(() => page.getByTestId('ws-error').innerText()).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    await page.getByRole('button', { name: 'Đóng' }).click();

    await signIn(page, 'demo.canbo');
    await page.waitForSelector('[data-testid="pts-1.3.1"]', { timeout: 15_000 });
    const overall = page.getByTestId('live-overall');
    expect(await overall.innerText()).toBe('Mức 1');
    expect(await page.getByTestId('ws-status').innerText()).toBe('Chưa bắt đầu');

    // A score above its cap is flagged at once and the form cannot be saved.
    await page.getByTestId('pts-1.3.1').fill('7');
    await expect.poll(() => page.locator('#err-1\\.3\\.1').innerText()).toMatch(/vượt mức tối đa 6/);
    expect(await page.getByTestId('act-saveSelfAssessment').isDisabled()).toBe(true);

    for (const c of ['1.1', '1.2', '2.1', '2.2']) await page.getByTestId(`mand-${c}`).check();
    const dh = { '1.3.1': 6, '1.3.2': 6, '1.3.3': 6, '1.3.4': 6, '1.3.5': 6, '1.4': 10 };
    for (const [code, v] of Object.entries(dh)) await page.getByTestId(`pts-${code}`).fill(String(v));
    // DH 40: still Mức 1, and the path says what would lift it.
    await expect.poll(() => page.getByTestId('live-group-DH').innerText()).toMatch(/40 \/ 100 → Mức 1[\s\S]*Để lên Mức 2: cần thêm 10 điểm: 1\.5\.1 \(\+15\)/);
    await page.getByTestId('pts-1.5.1').fill('15');
    await expect.poll(() => page.getByTestId('live-group-DH').innerText()).toMatch(/55 \/ 100 → Mức 2/);
    expect(await overall.innerText()).toBe('Mức 1'); // QT still below 50: both groups must reach a level
    for (const [code, v] of Object.entries({ '2.3.1': 6, '2.3.2': 6, '2.3.3': 10, '2.3.4': 6, '2.3.5': 10, '2.3.6': 10, '2.3.7': 6 })) {
      await page.getByTestId(`pts-${code}`).fill(String(v));
    }
    await expect.poll(() => overall.innerText()).toBe('Mức 2');
    expect(await page.getByTestId('live-score').innerText()).toMatch(/Trường học số/);
    await page.getByTestId('evidence-1.4').fill('https://truong.example.edu.vn/hoc-lieu');
    await page.screenshot({ path: `${SHOTS}/assessment-form.png`, fullPage: false });
    await page.getByTestId('act-saveSelfAssessment').click();
    await message(page).toBe('Đã lưu (Đã tự đánh giá, phiên bản 1).');
    expect(await row()).toEqual({ status: 'SELF_ASSESSED', version: 1, g1: 55, g2: 54, level: 'LEVEL_2' });
    // Staff cannot approve: the button is not there.
    expect(await page.getByTestId('act-approve').count()).toBe(0);

    await signOut(page);
    await signIn(page, 'demo.hieutruong');
    await page.getByTestId('act-approve').click();
    await message(page).toBe('Đã lưu (Hiệu trưởng đã phê duyệt, phiên bản 2).');
    await page.getByTestId('act-submit').click();
    await message(page).toBe('Đã lưu (Đã nộp, phiên bản 3).');
    expect((await row()).status).toBe('SUBMITTED');

    await signOut(page);
    await signIn(page, 'demo.phuong');
    const queue = page.getByTestId('queue-row');
    await expect.poll(() => queue.count()).toBe(1);
    await queue.getByRole('button').click();
    await page.getByTestId('act-startReview').click();
    await message(page).toBe('Đã lưu (Đang thẩm định, phiên bản 4).');
    await page.getByTestId('pts-1.4').fill('4');
    await page.getByTestId('act-evaluate').click();
    await message(page).toBe('Thay đổi điểm 1.4 cần có lý do.');
    await page.getByTestId('reason-1.4').fill('Học liệu số chỉ có ở 2 khối lớp');
    await page.getByTestId('act-evaluate').click();
    await message(page).toBe('Đã lưu (Đã đánh giá ngoài, phiên bản 5).');
    await page.getByTestId('act-publish').click();
    await message(page).toBe('Đã lưu (Đã công bố, phiên bản 6).');
    expect(await row()).toEqual({ status: 'PUBLISHED', version: 6, g1: 49, g2: 54, level: 'LEVEL_1' });
    await page.screenshot({ path: `${SHOTS}/assessment-review.png` });
    await page.context().close();
  });
});
