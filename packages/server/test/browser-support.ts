// Debian's headless Chromium (SwiftShader WebGL) against the real server, shared by the browser test files.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { WEB_DIST } from '../src/index.ts';
import { startTestServer } from './support.ts';

/** The bits of the page's MapLibre map (exposed as window.__edugisMap) that the tests drive. */
export interface PageMap {
  loaded(): boolean;
  isMoving(): boolean;
  once(event: 'idle', fn: () => void): void;
  jumpTo(o: { center: [number, number]; zoom: number }): void;
  project(p: [number, number]): { x: number; y: number };
  getZoom(): number;
  getCenter(): { lng: number; lat: number };
  getBounds(): { toArray(): [[number, number], [number, number]] };
  queryRenderedFeatures(geometry: undefined, o: { layers: string[] }): unknown[];
  querySourceFeatures(source: string): { properties: Record<string, unknown> }[];
}
declare global {
  interface Window {
    __edugisMap?: PageMap;
    /** The staff edit form's map (SchoolEdit.tsx). */
    __edugisEditMap?: PageMap;
  }
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = process.env.EDUGIS_SCREENSHOTS ?? '/tmp/edugis-screenshots';

/** Starts the server and Chromium before the file's tests; `newPage` opens a fresh profile (no cache). */
export function useBrowser() {
  const h = {} as {
    ctx: Awaited<ReturnType<typeof startTestServer>>; browser: Browser; url: string; newPage(o?: BrowserContextOptions): Promise<Page>;
    /** What the browser refused under the server's Content-Security-Policy (afterAll fails the file if any). */
    cspViolations: string[];
  };
  h.cspViolations = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    if (!existsSync(`${WEB_DIST}/index.html`)) throw new Error('The web app is not built: pnpm --filter @edugis/web build (pnpm test does it first).');
    mkdirSync(SHOTS, { recursive: true });
    h.ctx = await startTestServer();
    h.url = h.ctx.server.url;
    h.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    h.newPage = async (o = {}) => {
      const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, ...o });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('[page error]', e.message));
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) h.cspViolations.push(m.text());
      });
      return page;
    };
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.ctx?.stop();
    // The map, the dashboard's charts and the staff screens must all work under the CSP the server sends.
    expect(h.cspViolations).toEqual([]);
  });
  return h;
}

/** Waits for the map's first data and then for the idle after the last change, not an earlier one. */
export async function mapIdle(page: Page) {
  await page.waitForSelector('[data-testid=map][data-ready="1"]', { timeout: 45_000 });
  await page.evaluate(() => new Promise<void>((ok) => { const m = window.__edugisMap!; if (m.loaded() && !m.isMoving()) ok(); m.once('idle', () => ok()); setTimeout(ok, 5000); }));
}

/** Clicks the map at a longitude/latitude. */
export async function clickMapAt(page: Page, lng: number, lat: number) {
  const box = (await page.getByTestId('map').boundingBox())!;
  const pt = await page.evaluate(([x, y]) => window.__edugisMap!.project([x!, y!]), [lng, lat]);
  await page.mouse.click(box.x + pt.x, box.y + pt.y);
}
