// Bytes transferred for the first map view (HCMC seed, real Chromium), per resource and in total, 3 runs with a
// fresh browser profile each (no cache): the opening view (zoom 13) and a street view (zoom 15 over Bến Thành),
// each with our street basemap and, side by side in the same run, without it (EDUGIS_BASEMAP_MBTILES=none).
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:first-view
import { chromium } from 'playwright-core';
import { startServer } from '../src/index.ts';
import { FIRST_VIEW_BUDGET, measureFirstView } from './first-view-measure.ts';
import { benchDatabase, pct } from './support.ts';

const { db, drop } = await benchDatabase('firstview');
const withMap = await startServer(db, { port: 0, host: '127.0.0.1' });
process.env.EDUGIS_BASEMAP_MBTILES = 'none';
const without = await startServer(db, { port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const views = [['opening view (zoom 13)', ''], ['street view (zoom 15, Bến Thành)', '#map=15/10.7745/106.6995']] as const;
  for (const [label, hash] of views) {
    for (const [name, server] of [['with the basemap', withMap], ['without it', without]] as const) {
      const totals: number[] = [];
      for (let run = 0; run < 3; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const r = await measureFirstView(page, `${server.url}/${hash}`);
        totals.push(r.total);
        if (run === 0 && server === withMap) {
          console.log(`${label}, ${name}: largest resources (bytes on the wire):`);
          for (const x of r.resources.slice(0, 8)) console.log(`  ${String(x.bytes).padStart(8)}  ${x.url.slice(0, 90)}`);
          console.log(`  ${r.resources.length} requests`);
        }
        await context.close();
      }
      const median = pct(totals, 0.5);
      console.log(`${label}, ${name}: ${totals.map((t) => (t / 1000).toFixed(1)).join(', ')} kB; median ${(median / 1000).toFixed(1)} kB ` +
        `(budget ${FIRST_VIEW_BUDGET / 1000} kB: ${median < FIRST_VIEW_BUDGET ? 'within' : 'OVER'})`);
    }
  }
} finally {
  await browser.close();
  await withMap.close();
  await without.close();
  await drop();
}
