// Cold start of `pnpm start`, as a user sees it: from the command until /healthz answers 200.
//   pnpm bench:start                      embedded PostGIS (a new empty folder each run)
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:start
//                                         also a PostgreSQL server (a new empty database each run)
// Prints each run and the median. Shared, noisy machines: compare medians from the same run only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openPostgres } from '@edugis/db';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeStart(env: Record<string, string>, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn('pnpm', ['start'], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pnpm start exited early:\n${out}`);
      if (performance.now() - t0 > 300_000) throw new Error(`no healthy answer within 300 s:\n${out}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main() {
  const rows: string[] = [];
  const embedded: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'edugis-bench-'));
    embedded.push(await timeStart({ EDUGIS_EMBEDDED_DIR: dir, DATABASE_URL: '' }, 4310 + i));
    warm.push(await timeStart({ EDUGIS_EMBEDDED_DIR: dir, DATABASE_URL: '' }, 4320 + i));
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(`embedded, cold (empty folder: migrate + seed):  runs ${embedded.map((s) => s.toFixed(1)).join(' ')} s, median ${median(embedded).toFixed(1)} s`);
  rows.push(`embedded, warm (already seeded):                 runs ${warm.map((s) => s.toFixed(1)).join(' ')} s, median ${median(warm).toFixed(1)} s`);
  const admin = process.env.BENCH_DATABASE_URL;
  if (admin) {
    const server: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const name = `edugis_bench_${process.pid}_${i}`;
      const c = await openPostgres(admin, { poolSize: 1 });
      await c.raw.exec(`CREATE DATABASE ${name}`);
      const u = new URL(admin);
      u.pathname = `/${name}`;
      try {
        server.push(await timeStart({ DATABASE_URL: u.toString() }, 4330 + i));
      } finally {
        await c.raw.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.close();
      }
    }
    rows.push(`PostgreSQL server, cold (empty database):        runs ${server.map((s) => s.toFixed(1)).join(' ')} s, median ${median(server).toFixed(1)} s`);
  }
  console.log(`pnpm start until /healthz is 200 (the web build is skipped when dist/ is up to date), ${RUNS} runs each:`);
  for (const r of rows) console.log(`  ${r}`);
}
main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
