// Server time of the parents' lookups: zone lookup, nearest-k and search, measured in-process around the
// GraphQL execution (no HTTP, no client), on HCMC data and on national-scale data.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:lookups
// Creates two throwaway databases (HCMC seed, national seed), runs each query N times at seeded random points,
// prints medians and 95th percentiles. Targets (issue 4): zone lookup and nearest-k < 10 ms (HCMC) and < 25 ms
// (national); search < 30 ms.
import { graphql } from 'graphql';
import seedrandom from 'seedrandom';
import { migrate, openPostgres, seed } from '@edugis/db';
import { schema } from '../src/index.ts';
import { setDatabase } from '../src/db.ts';

const N = Number(process.env.BENCH_N ?? 200);
const admin = process.env.BENCH_DATABASE_URL;
if (!admin) {
  console.error('Set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server whose user may create databases.');
  process.exit(1);
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function run(label: string, national: boolean) {
  const name = `edugis_bench_${national ? 'national' : 'hcmc'}_${process.pid}`;
  const root = await openPostgres(admin!, { poolSize: 1 });
  await root.raw.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE); `);
  await root.raw.exec(`CREATE DATABASE ${name}`);
  const u = new URL(admin!);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString());
  try {
    await migrate(db.raw);
    const t0 = Date.now();
    await seed(db, { national });
    const [{ n }] = (await db.raw.query<{ n: number }>('SELECT count(*)::int n FROM school')) as [{ n: number }];
    console.log(`${label}: seeded ${n} schools in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    setDatabase(db);
    const rng = seedrandom('bench');
    // Points in central HCMC (both datasets hold HCMC with zones); national nearest-k also samples the whole country.
    const hcmc = () => ({ lng: 106.62 + rng() * 0.12, lat: 10.73 + rng() * 0.09 });
    const vn = () => ({ lng: 103.5 + rng() * 5, lat: 9 + rng() * 12 });
    const words = ['nguyen du', 'tieu hoc ben thanh', 'Phường 12, Quận 3', 'thcs le loi', 'mam non sai gon', 'tran hung dao', 'ben nghe', 'truong thpt nguyen thi minh khai'];
    const cases: [string, () => [string, Record<string, unknown>]][] = [
      ['enrollmentZonesAt', () => { const p = hcmc(); return [`query($lng: Float!, $lat: Float!) { enrollmentZonesAt(longitude: $lng, latitude: $lat) { covered grades { status explanation zones { distanceMeters zone { school { id name } } } } } }`, p]; }],
      ['nearestSchools k=10 (HCMC points)', () => { const p = hcmc(); return [`query($lng: Float!, $lat: Float!) { nearestSchools(longitude: $lng, latitude: $lat, level: PRIMARY, limit: 10) { distanceMeters school { id name } } }`, p]; }],
      ...(national ? [['nearestSchools k=10 (points across Vietnam)', () => { const p = vn(); return [`query($lng: Float!, $lat: Float!) { nearestSchools(longitude: $lng, latitude: $lat, level: PRIMARY, limit: 10) { distanceMeters school { id name } } }`, p]; }] as [string, () => [string, Record<string, unknown>]]] : []),
      ['search', () => [`query($t: String!) { search(text: $t, limit: 10) { kind label score } }`, { t: words[Math.floor(rng() * words.length)] }]],
    ];
    for (const [name, make] of cases) {
      for (let i = 0; i < 10; i++) { const [q, v] = make(); await graphql({ schema, source: q, variableValues: v, contextValue: { lang: 'vi' } }); } // warm-up
      const times: number[] = [];
      for (let i = 0; i < N; i++) {
        const [q, v] = make();
        const t = performance.now();
        const r = await graphql({ schema, source: q, variableValues: v, contextValue: { lang: 'vi' } });
        times.push(performance.now() - t);
        if (r.errors) throw new Error(`${name}: ${r.errors[0]!.message}`);
      }
      console.log(`  ${name.padEnd(44)} median ${pct(times, 0.5).toFixed(2)} ms   p95 ${pct(times, 0.95).toFixed(2)} ms   (${N} runs)`);
    }
  } finally {
    await db.close();
    await root.raw.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await root.close();
  }
}

await run('HCMC data', false);
await run('national synthetic data', true);
