// A province imports its whole school list as one file: 53,000 rows (the size of the national synthetic set) of
// synthetic schools placed inside HCMC's wards, through the import pipeline as `pnpm imports` runs it: preview
// (read, check every row, diff against what is stored), commit, then the same file again (all unchanged).
// Baseline, same run: the same rows written by one plain INSERT … FROM jsonb_to_recordset, with no checks and no
// plan (the floor of what writing them costs).
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:import
// Target (issue 12): under 60 s and 500 MB on a 2-core machine, with the preview under 10 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitImport, stageImport, type RunTransaction } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { benchDatabase } from './support.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 53_000);
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

const bench = await benchDatabase('import');
const { db } = bench;
try {
  // The file: ROWS schools at random points of HCMC's wards (fixed seed), as the template's CSV.
  await db.raw.exec('SELECT setseed(0.42)');
  const [{ csv }] = await db.raw.query<{ csv: string }>(`
    WITH wards AS (SELECT boundary, count(*) OVER () AS n FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79'),
         pts AS (SELECT (ST_Dump(ST_GeneratePoints(boundary, ceil(${ROWS}::float8 / n)::int, 42))).geom AS p FROM wards),
         numbered AS (SELECT row_number() OVER () AS i, p FROM pts)
    SELECT 'Mã trường,Tên trường,Cấp học,Loại hình,Kinh độ,Vĩ độ,Sức chứa' || E'\\n' || string_agg(
      format('BENCH-%s,Trường Tiểu học Thử %s,%s,%s,%s,%s,%s', lpad(i::text, 6, '0'), i,
        (ARRAY['Mầm non', 'Tiểu học', 'THCS', 'THPT'])[1 + i % 4], (ARRAY['Công lập', 'Tư thục'])[1 + i % 2],
        round(ST_X(p)::numeric, 6), round(ST_Y(p)::numeric, 6), 200 + i % 1500), E'\\n' ORDER BY i) AS csv
    FROM numbered WHERE i <= ${ROWS}`) as [{ csv: string }];
  const bytes = Buffer.from(csv, 'utf8');
  console.log(`file: ${ROWS} rows, ${mb(bytes.length)}`);

  const run: RunTransaction = (fn) => db.prisma.$transaction((tx) => fn(tx), { timeout: 600_000, maxWait: 60_000 });
  const actor = { id: null, name: 'bench' };
  const input = { kind: 'schools', upload: { name: 'bench.csv', bytes }, provinceCode: '79', actor, source: { title: 'bench', licence: 'CC0-1.0' }, isSynthetic: true };
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

  const peaks: number[] = [];
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    peak = process.memoryUsage().rss;
    const t = performance.now();
    const r = await fn();
    peaks.push(Math.max(peak, process.memoryUsage().rss));
    return [r, (performance.now() - t) / 1000];
  };
  const [staged, preview] = await timed(() => stageImport(db.prisma, run, input));
  if (staged.status !== 'PREVIEW') throw new Error(`not importable: ${JSON.stringify(staged.errors.slice(0, 3))}`);
  const [, commit] = await timed(() => commitImport(run, staged.id, actor));
  const [again, preview2] = await timed(() => stageImport(db.prisma, run, input));
  clearInterval(sampler);

  // Baseline: the same rows, one INSERT, nothing checked.
  const rows = csv.split('\n').slice(1).map((l) => {
    const [code, name, , , lng, lat, capacity] = l.split(',');
    return { id: `base-${code}`, name, lng: Number(lng), lat: Number(lat), capacity: Number(capacity) };
  });
  const [, baseline] = await timed(() => db.prisma.$transaction(async (tx) => {
    await tx.$executeRaw(sql`SELECT set_config('edugis.audit', 'off', true)`);
    await tx.$executeRaw(sql`
      INSERT INTO school (id, name, levels, ownership, location, location_confidence, is_synthetic, source_id, capacity)
      SELECT x.id, x.name, '{PRIMARY}', 'PUBLIC', ST_SetSRID(ST_MakePoint(x.lng, x.lat), 4326), 'SYNTHETIC', true, 'edugis-synthetic', x.capacity
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id text, name text, lng float8, lat float8, capacity int)`);
  }, { timeout: 600_000 }));

  console.log('| step | seconds | peak RSS |');
  console.log('| --- | --- | --- |');
  console.log(`| preview (read, check, plan ${staged.counts.ADD} new) | ${preview.toFixed(1)} | ${mb(peaks[0]!)} |`);
  console.log(`| commit | ${commit.toFixed(1)} | ${mb(peaks[1]!)} |`);
  console.log(`| preview + commit | **${(preview + commit).toFixed(1)}** | |`);
  console.log(`| the same file again (${again.counts.UNCHANGED} unchanged) | ${preview2.toFixed(1)} | ${mb(peaks[2]!)} |`);
  console.log(`| baseline: one plain INSERT of the same rows | ${baseline.toFixed(1)} | ${mb(peaks[3]!)} |`);
  console.log(`ratio (preview + commit) / baseline: ${((preview + commit) / baseline).toFixed(1)}`);
  console.log(`peak RSS of this process during the import: ${mb(Math.max(...peaks.slice(0, 3)))} (before: ${mb(rss0)}: this process also seeded the database and holds the file)`);

  // The import on its own, as a province runs it: `pnpm imports … --commit` in a fresh process (preview and commit
  // of the same number of new schools, other codes), its peak resident memory read by GNU time. Side by side, the
  // same CLI under plain `node` defaults (the script adds --optimize-for-size: V8 otherwise grows its heap well
  // past the live data before collecting).
  if (existsSync('/usr/bin/time')) {
    const dir = mkdtempSync(join(tmpdir(), 'edugis-bench-import-'));
    const dbDir = fileURLToPath(new URL('../../db/', import.meta.url));
    const runs = [
      { label: 'pnpm imports', code: 'BENCH2-', cmd: ['pnpm', '--silent', '--filter', '@edugis/db', 'imports'] },
      { label: 'the same CLI, node defaults', code: 'BENCH3-', cmd: ['node', '--import', 'tsx', join(dbDir, 'src/cli.ts'), 'imports'] },
    ];
    for (const r of runs) {
      const file = join(dir, `${r.code}.csv`);
      writeFileSync(file, csv.replace(/^BENCH-/gm, r.code));
      const t = performance.now();
      const out = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', ...r.cmd, 'schools', file, '--province', '79', '--synthetic', '--commit'], {
        env: { ...process.env, DATABASE_URL: bench.url }, encoding: 'utf8', cwd: dbDir,
      });
      const seconds = (performance.now() - t) / 1000;
      // pnpm starts node for the CLI as a child: GNU time reports the largest of the process tree's members.
      const kb = Number(/maxrss_kb=(\d+)/.exec(out.stderr)?.[1] ?? NaN);
      if (out.status !== 0) console.log(`${r.label} failed: ${out.stderr.slice(-500)}`);
      else console.log(`${r.label} (fresh process, preview + commit of ${ROWS} new): ${seconds.toFixed(1)} s, peak RSS ${(kb / 1024).toFixed(0)} MB`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await bench.drop();
}
