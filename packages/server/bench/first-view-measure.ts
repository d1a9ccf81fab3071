// What a visitor's browser downloads for the first map view, before any interaction: every response's bytes on
// the wire (compressed body + headers), from page load until the map is idle with its data drawn.
import type { Page } from 'playwright-core';

export const FIRST_VIEW_BUDGET = 700_000; // bytes (issue 4: "under 500 KB"; issue 14: "under 700 KB", the street basemap's tiles and glyphs included)

export async function measureFirstView(page: Page, url: string): Promise<{ total: number; resources: { url: string; bytes: number }[] }> {
  const pending: Promise<{ url: string; bytes: number; headers: number }>[] = [];
  const onFinished = (req: import('playwright-core').Request) => {
    pending.push(req.sizes().then((s) => ({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize, headers: s.responseHeadersSize })));
  };
  page.on('requestfinished', onFinished);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=map][data-ready="1"]', { timeout: 60_000 });
  // Until the schools of the view are listed and the map has gone idle after drawing them.
  await page.waitForSelector('[data-testid=school-list] li', { timeout: 30_000 });
  await page.evaluate(() => new Promise<void>((ok) => {
    const m = (window as unknown as { __edugisMap: { loaded(): boolean; isMoving(): boolean; once(e: string, f: () => void): void } }).__edugisMap;
    if (m.loaded() && !m.isMoving()) ok();
    m.once('idle', () => ok());
    setTimeout(ok, 5000);
  }));
  await page.waitForTimeout(500);
  page.off('requestfinished', onFinished);
  // Chromium does not report the body of a worker's own script to the page's network events (0 bytes): take
  // those from the page's Resource Timing instead, which counts it (transferSize: body on the wire + headers).
  const timing = new Map(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name, (e as PerformanceResourceTiming).transferSize] as [string, number])));
  const resources = (await Promise.all(pending))
    .map((r) => ({ url: r.url.replace(url, ''), bytes: r.bytes <= r.headers ? Math.max(r.bytes, timing.get(r.url) ?? 0) : r.bytes }))
    .sort((a, b) => b.bytes - a.bytes);
  return { total: resources.reduce((a, r) => a + r.bytes, 0), resources };
}
