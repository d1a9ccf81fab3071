// Parents' reads while someone sends the costliest questions they can. The server runs in its own process
// (PostgreSQL, production limits, a trusted proxy so each client has its own address); parents ask
// nearestSchools from their addresses, an abuser from one address sends, four at a time: coverage at 9-10 km with
// geometry (allowed, each one computed afresh), 20 aliases of coverage, 30 aliases of nearestSchools(limit: 100),
// a fragment cycle. The baseline is the same parents' reads with nobody abusing, in the same run, interleaved.
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:limits
import { spawnServer } from '../test/spawn-server.ts';
import { benchDatabase, pct } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 8000);
const PARENTS = 4;
const ABUSERS = 4;

async function post(url: string, address: string, body: unknown) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body) });
  const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions?.code ?? 'OK' };
}
const aliases = (n: number, f: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${f}`).join(' ')} }`;

async function loop(until: () => boolean, fn: (i: number) => Promise<void>) {
  for (let i = 0; until(); i++) await fn(i);
}

const db = await benchDatabase('limits');
const server = await spawnServer({ DATABASE_URL: db.url, NODE_ENV: 'production', EDUGIS_TRUST_PROXY: 'loopback' });
try {
  const parentRead = (i: number, k: number) => post(server.url, `10.1.${i}.${k % 250}`, {
    query: `query($lng: Float!, $lat: Float!) { nearestSchools(longitude: $lng, latitude: $lat, level: PRIMARY, limit: 5) { distanceMeters school { name } } }`,
    variables: { lng: 106.62 + ((k * 37) % 120) / 1000, lat: 10.73 + ((k * 53) % 90) / 1000 },
  });
  for (let k = 0; k < 40; k++) await parentRead(0, k); // warm-up
  const idle: number[] = [];
  const loaded: number[] = [];
  const parentErrors: string[] = [];
  const abuse: Record<string, number> = {};
  let distance = 9000;
  const attacks = [
    () => ({ query: `{ coverage(provinceCode: "79", level: PRIMARY, distanceMeters: ${distance++}, withGeometry: true) { coveredShare uncovered } }` }),
    () => ({ query: aliases(20, 'coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { coveredShare }') }),
    () => ({ query: aliases(30, 'nearestSchools(longitude: 106.7, latitude: 10.78, level: PRIMARY, limit: 100) { distanceMeters school { name } }') }),
    () => ({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
  ];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const abused of [false, true]) {
      const end = Date.now() + PHASE_MS;
      const on = () => Date.now() < end;
      const times: number[] = [];
      await Promise.all([
        ...Array.from({ length: PARENTS }, (_, p) => loop(on, async (k) => {
          const t = performance.now();
          const r = await parentRead(p, k + round * 1000);
          times.push(performance.now() - t);
          if (r.code !== 'OK') parentErrors.push(r.code);
        })),
        ...(abused ? Array.from({ length: ABUSERS }, (_, a) => loop(on, async (k) => {
          const r = await post(server.url, '10.9.9.9', attacks[(a + k) % attacks.length]!());
          const key = `${(a + k) % attacks.length}:${r.code}`;
          abuse[key] = (abuse[key] ?? 0) + 1;
        })) : []),
      ]);
      (abused ? loaded : idle).push(...times);
      console.log(`  round ${round} ${abused ? 'abused' : 'idle  '}: parents' reads p50 ${pct(times, 0.5).toFixed(1)} ms, p99 ${pct(times, 0.99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (n=${times.length})`);
    }
  }
  const f = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1).padStart(6)} ms  p99 ${pct(xs, 0.99).toFixed(1).padStart(7)} ms  max ${Math.max(...xs).toFixed(1).padStart(7)} ms  (n=${xs.length})`;
  const names = ['coverage 9-10 km with geometry', '20 aliases of coverage', '30 aliases of nearestSchools(limit: 100)', 'fragment cycle'];
  console.log('PostgreSQL, production limits:');
  console.log(`  parents, nobody abusing   ${f(idle)}`);
  console.log(`  parents, abuser at work   ${f(loaded)}   ratio p50 ${(pct(loaded, 0.5) / pct(idle, 0.5)).toFixed(2)}, p99 ${(pct(loaded, 0.99) / pct(idle, 0.99)).toFixed(2)}`);
  console.log(`  parents' errors           ${parentErrors.length ? JSON.stringify(parentErrors.reduce<Record<string, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {})) : 'none'}`);
  for (const [i, n] of names.entries()) {
    const got = Object.entries(abuse).filter(([k]) => k.startsWith(`${i}:`)).map(([k, v]) => `${k.split(':')[1]} ${v}`).join(', ');
    console.log(`  abuser: ${n.padEnd(42)} ${got}`);
  }
  process.exitCode = parentErrors.length ? 1 : 0;
} finally {
  await server.stop();
  await db.drop();
}
