// Server time of the parents' lookups: zone lookup, nearest-k and search, measured in-process around the
// GraphQL execution (no HTTP, no client), on HCMC data and on national-scale data.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:lookups
// Creates two throwaway databases (HCMC seed, national seed), runs each query N times at seeded random points,
// prints medians and 95th percentiles. Targets (issue 4): zone lookup and nearest-k < 10 ms (HCMC) and < 25 ms
// (national); search < 30 ms.
import { graphql } from 'graphql';
import seedrandom from 'seedrandom';
import { schema } from '../src/index.ts';
import { setDatabase } from '../src/db.ts';
import { benchDatabase, pct } from './support.ts';
import { anonymousContext } from '../src/auth.ts';

const N = Number(process.env.BENCH_N ?? 200);
async function run(label: string, national: boolean) {
  const { db, seconds, drop } = await benchDatabase(national ? 'national' : 'hcmc', { national });
  try {
    const [{ n }] = (await db.raw.query<{ n: number }>('SELECT count(*)::int n FROM school')) as [{ n: number }];
    console.log(`${label}: seeded ${n} schools in ${seconds.toFixed(1)} s`);
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
      for (let i = 0; i < 10; i++) { const [q, v] = make(); await graphql({ schema, source: q, variableValues: v, contextValue: anonymousContext() }); } // warm-up
      const times: number[] = [];
      for (let i = 0; i < N; i++) {
        const [q, v] = make();
        const t = performance.now();
        const r = await graphql({ schema, source: q, variableValues: v, contextValue: anonymousContext() });
        times.push(performance.now() - t);
        if (r.errors) throw new Error(`${name}: ${r.errors[0]!.message}`);
      }
      console.log(`  ${name.padEnd(44)} median ${pct(times, 0.5).toFixed(2)} ms   p95 ${pct(times, 0.95).toFixed(2)} ms   (${N} runs)`);
    }
  } finally {
    await drop();
  }
}

await run('HCMC data', false);
await run('national synthetic data', true);
