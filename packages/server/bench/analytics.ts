// Server time of the analytics on national synthetic data (53,000 schools, four years of results), in-process
// around GraphQL execution. "cold": the cache was just invalidated, so the answer is computed from the rows (for
// the maturity queries as after a publication; for coverage and catchment quality as after a change of schools,
// zones or units, which is what invalidates them since migration 0007); "warm": the same question again.
// "after a publication" (coverage, catchment quality): only the results generation was bumped. Baseline in the same run: the province aggregate
// computed straight from maturity_assessment (DISTINCT ON, no published_result table).
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:analytics
import { graphql } from 'graphql';
import { sql } from '@edugis/prisma-postgis';
import { schema } from '../src/index.ts';
import { setDatabase } from '../src/db.ts';
import { anonymousContext } from '../src/auth.ts';
import { benchDatabase, pct } from './support.ts';

const N = Number(process.env.BENCH_N ?? 15);
const { db, seconds, drop } = await benchDatabase('analytics', { national: true });
try {
  setDatabase(db);
  const [{ n, r }] = (await db.raw.query<{ n: number; r: number }>('SELECT (SELECT count(*)::int FROM school) n, (SELECT count(*)::int FROM maturity_assessment) r')) as [{ n: number; r: number }];
  console.log(`national synthetic data: ${n} schools, ${r} results, seeded in ${seconds.toFixed(1)} s; ${N} runs each`);
  const [{ id }] = (await db.raw.query<{ id: string }>(`SELECT id FROM school WHERE levels = '{PRIMARY}' ORDER BY id LIMIT 1`)) as [{ id: string }];
  const cases: [string, string][] = [
    ['maturityByUnit: the 34 provinces', `{ maturityByUnit(schoolYear: "2025-2026") { unit { code } schoolCount publishedCount digitalSchoolShare digitalSchoolShareChange medianGroup1Score overall { level1 level2 level3 } } }`],
    ['maturityByUnit: the 168 wards of HCMC', `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79") { unit { code } publishedCount digitalSchoolShare medianGroup2Score } }`],
    ['maturityByUnit: wards, primary, public', `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", level: PRIMARY, ownership: PUBLIC) { unit { code } publishedCount } }`],
    ['compare 3 wards', `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", unitCodes: ["26740", "26743", "26737"]) { unit { code } digitalSchoolShare } }`],
    ['maturityTrend: province 79', `{ maturityTrend(unitCode: "79") { schoolYear digitalSchoolShare meanGroup1Score } }`],
    ['peerBenchmark', `{ school(id: "${id}") { peerBenchmark(schoolYear: "2025-2026") { peerCount group1Percentile group2Percentile } } }`],
    ['coverage: HCMC wards, primary, 1 km', `{ coverage(provinceCode: "79", level: PRIMARY, distanceMeters: 1000) { unit { code } coveredShare } }`],
    ['catchmentQuality: HCMC, grade 1', `{ catchmentQuality(provinceCode: "79", schoolYear: "2026-2027", entryGrade: 1) { gaps { areaKm2 } overlaps { areaKm2 } schoolsOutsideTheirZone { schoolId } zonesCrossingWards { outsideKm2 } } }`],
    ['maturityByFormerUnit: HCMC 2023-2024', `{ maturityByFormerUnit(schoolYear: "2023-2024", provinceCode: "79") { units { unit { code } publishedCount digitalSchoolShare } unattributed { schoolCount } } }`],
    ['maturityByUnit + drafts (admin), HCMC', `{ maturityByUnit(schoolYear: "2025-2026", parentCode: "79", includeDrafts: true) { unit { code } draftCount digitalSchoolShare } }`],
    ['capacityByWard: HCMC primary', `{ capacityByWard(provinceCode: "79", level: PRIMARY) { unit { code } fillRate flag } }`],
  ];
  const time = async (f: () => Promise<unknown>) => { const t = performance.now(); await f(); return performance.now() - t; };
  const run = async (q: string) => {
    // Results in progress are asked for by staff: an admin's context (their answers are never cached).
    const admin = { id: 'bench', username: 'bench', displayName: 'bench', role: 'ADMIN' as const, schoolId: null, unitId: null };
    const r = await graphql({ schema, source: q, contextValue: q.includes('includeDrafts') ? { ...anonymousContext(), viewer: admin } : anonymousContext() });
    if (r.errors) throw new Error(r.errors[0]!.message);
  };
  const line = (name: string, xs: number[]) => `median ${pct(xs, 0.5).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 0.95).toFixed(1).padStart(7)} ms`;
  const baseline: number[] = [];
  for (let i = 0; i < N; i++) {
    baseline.push(await time(() => db.prisma.$queryRaw(sql`
      WITH r AS (SELECT DISTINCT ON (school_id, school_year) * FROM maturity_assessment WHERE status = 'PUBLISHED' AND school_year IN ('2025-2026', '2024-2025')
                 ORDER BY school_id, school_year, revision DESC)
      SELECT w.parent_id, r.school_year, count(*), avg(r.group1_score), percentile_cont(0.5) WITHIN GROUP (ORDER BY r.group1_score)
      FROM school s JOIN admin_unit w ON w.id = s.ward_id JOIN r ON r.school_id = s.id GROUP BY 1, 2`)));
  }
  console.log(`  ${'baseline: provinces from maturity_assessment'.padEnd(42)} ${line('', baseline)}`);
  for (const [name, q] of cases) {
    await run(q); // warm-up (connections, plans)
    const cold: number[] = [];
    const warm: number[] = [];
    const afterPublication: number[] = [];
    const geometric = /^(coverage|catchmentQuality)/.test(name);
    for (let i = 0; i < N; i++) {
      await db.raw.exec('UPDATE analytics_state SET generation = generation + 1, geometry_generation = geometry_generation + 1');
      cold.push(await time(() => run(q)));
      warm.push(await time(() => run(q)));
      if (geometric) {
        await db.raw.exec('UPDATE analytics_state SET generation = generation + 1');
        afterPublication.push(await time(() => run(q)));
      }
    }
    console.log(`  ${name.padEnd(42)} cold ${line(name, cold)}   |   warm ${line(name, warm)}` +
      (geometric ? `   |   after a publication ${line(name, afterPublication)}` : ''));
  }
} finally {
  await drop();
}
