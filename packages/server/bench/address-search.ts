// Address search on HCMC: server time of `search` for addresses as parents type them (a known house number, an
// unknown number with its ward, a street without accents, an abbreviation, a pre-2025 district), measured
// in-process around the GraphQL execution, side by side with the same search restricted to names (the geocoder
// switched off: what search did before addresses) in interleaved rounds, on the same seeded database.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:address-search
// Target (issue 14): address search under 30 ms median on HCMC. Medians, p95 and the per-round ratio are printed.
import { graphql } from 'graphql';
import seedrandom from 'seedrandom';
import { schema } from '../src/index.ts';
import { setDatabase } from '../src/db.ts';
import { builtinGeocoder, setGeocoder, type Geocoder } from '../src/geocoder.ts';
import { anonymousContext } from '../src/auth.ts';
import { benchDatabase, pct } from './support.ts';

const N = Number(process.env.BENCH_N ?? 150);
const ROUNDS = 3;
const namesOnly: Geocoder = { id: 'edugis', search: async () => [] };
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();

const { db, seconds, drop } = await benchDatabase('address', {});
try {
  console.log(`HCMC seed in ${seconds.toFixed(1)} s`);
  setDatabase(db);
  const rng = seedrandom('address');
  const houses = await db.raw.query<{ h: string; s: string; w: string }>(`
    SELECT p.housenumber h, p.street s, coalesce(w.name, '') w FROM address_point p
    LEFT JOIN admin_unit w ON w.level = 'WARD' AND w.valid_to IS NULL AND ST_Intersects(w.boundary, p.geom)
    WHERE p.housenumber ~ '^[0-9]+$' ORDER BY md5(p.osm_ref) LIMIT 300`);
  const streets = await db.raw.query<{ name: string }>(`SELECT name FROM street_name WHERE lines > 3 ORDER BY md5(key) LIMIT 300`);
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
  const texts: [string, () => string][] = [
    ['known house ("14 Lý Tự Trọng")', () => { const x = pick(houses); return `${x.h} ${x.s}`; }],
    ['unknown number + ward', () => { const x = pick(houses); return `${Number(x.h) + 1000} ${x.s}, ${x.w}`; }],
    ['street without accents', () => fold(pick(streets).name)],
    ['abbreviation / district', () => pick(['NTMK', 'Q1', 'Nguyễn Trãi Quận 5', 'cmt8 q3', 'Phường 12, Quận 3', 'Huyện Củ Chi', 'xvnt p.21'])],
  ];
  const Q = `query($t: String!, $near: [Float!]) { search(text: $t, limit: 8, near: $near) { kind label context score note location { longitude latitude } bbox } }`;
  const once = async (t: string) => {
    const start = performance.now();
    const r = await graphql({ schema, source: Q, variableValues: { t, near: [106.7, 10.78] }, contextValue: anonymousContext() });
    if (r.errors) throw new Error(`${t}: ${r.errors[0]!.message}`);
    return performance.now() - start;
  };
  for (const [, make] of texts) for (let i = 0; i < 10; i++) await once(make()); // warm-up
  for (const [label, make] of texts) {
    const withAddr: number[] = []; const baseline: number[] = []; const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const inputs = Array.from({ length: Math.ceil(N / ROUNDS) }, make);
      const a: number[] = []; const b: number[] = [];
      setGeocoder(builtinGeocoder);
      for (const t of inputs) a.push(await once(t));
      setGeocoder(namesOnly);
      for (const t of inputs) b.push(await once(t));
      withAddr.push(...a); baseline.push(...b); ratios.push(pct(a, 0.5) / pct(b, 0.5));
    }
    console.log(`  ${label.padEnd(34)} address search median ${pct(withAddr, 0.5).toFixed(2)} ms  p95 ${pct(withAddr, 0.95).toFixed(2)} ms | names only median ${pct(baseline, 0.5).toFixed(2)} ms | ratio per round ${ratios.map((x) => x.toFixed(2)).join(' / ')}`);
  }
  setGeocoder(null);
} finally {
  await drop();
}
