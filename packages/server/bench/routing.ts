// Road distance from homes to schools on HCMC's OpenStreetMap network (2018), EduGIS's in-memory engine beside
// pgRouting in the same run, on the same edges, with the same answers checked.
//   apt-get install -y postgresql-15-pgrouting   (the peer; the product does not need it)
//   BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm bench:routing
// Seeds a throwaway database (the seed loads the roads), builds the graph, then at seeded random homes in HCMC:
//   1. the 10 nearest primary schools by road on foot: the GraphQL query schoolsByRoad in-process (candidates,
//      search, answer), the engine's search alone, and pgRouting's pgr_dijkstraCost from the home's vertex to the
//      same schools' vertices (one query each, the whole network as its edges; and only the edges within 3 km,
//      as pgRouting is usually used) — distances compared;
//   2. the placement's work: from each of HCMC's 168 wards' points to every primary and lower-secondary school
//      within 10 km, by road, both modes. Target (issue 13): 1. under 50 ms median; 2. under 60 s.
import { graphql } from 'graphql';
import seedrandom from 'seedrandom';
import { schema } from '../src/index.ts';
import { setDatabase } from '../src/db.ts';
import { anonymousContext } from '../src/auth.ts';
import { legsFrom, roadGraph, snap, type RoadGraph } from '../src/routing.ts';
import { simulatePlacement, type PlacementSchool } from '../src/placement.ts';
import { benchDatabase, pct } from './support.ts';

const N = Number(process.env.BENCH_N ?? 100);
const { db, seconds, drop } = await benchDatabase('routing');
try {
  setDatabase(db);
  console.log(`seeded (with roads) in ${seconds.toFixed(1)} s`);
  let t = performance.now();
  const g = (await roadGraph('79')) as RoadGraph;
  console.log(`graph: ${g.vertices} vertices, ${g.csr.WALK.targets.length} walking and ${g.csr.MOTORBIKE.targets.length} motorbike edges, built in ${(performance.now() - t).toFixed(0)} ms`);

  // pgRouting on the same walking edges (each undirected edge once).
  await db.raw.exec('CREATE EXTENSION IF NOT EXISTS pgrouting');
  await db.raw.exec('CREATE TABLE bench_edge (id serial PRIMARY KEY, source int, target int, cost float8, reverse_cost float8, x float8, y float8)');
  const rows: string[] = [];
  const { offsets, targets, weights } = g.csr.WALK;
  for (let v = 0; v < g.vertices; v++) for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
    const u = targets[e]!;
    if (v < u) rows.push(`${v},${u},${weights[e]},${weights[e]},${g.lng[v]},${g.lat[v]}`);
  }
  for (let i = 0; i < rows.length; i += 20_000) {
    await db.raw.exec(`INSERT INTO bench_edge (source, target, cost, reverse_cost, x, y) VALUES ${rows.slice(i, i + 20_000).map((r) => `(${r})`).join(',')}`);
  }
  await db.raw.exec('CREATE INDEX ON bench_edge (x, y); ANALYZE bench_edge');

  const rng = seedrandom('routing');
  const homes = Array.from({ length: N }, () => [106.62 + rng() * 0.12, 10.73 + rng() * 0.09] as [number, number]);
  const Q = `query($lng: Float!, $lat: Float!) { schoolsByRoad(longitude: $lng, latitude: $lat, level: PRIMARY, limit: 10) {
    measure walk { meters minutes } school { id } } }`;
  const gqlTimes: number[] = []; const engine: number[] = []; const pgrFull: number[] = []; const pgrBox: number[] = [];
  let compared = 0; let worst = 0;
  for (const [i, h] of homes.entries()) {
    t = performance.now();
    const res = await graphql({ schema, source: Q, variableValues: { lng: h[0], lat: h[1] }, contextValue: anonymousContext() });
    if (i >= 5) gqlTimes.push(performance.now() - t);
    if (res.errors) throw new Error(res.errors[0]!.message);
    const found = (res.data!.schoolsByRoad as { measure: string; school: { id: string } }[]);
    const near = await db.raw.query<{ id: string; lng: number; lat: number }>(
      `SELECT id, ST_X(location) lng, ST_Y(location) lat FROM school WHERE id = ANY ($1)`, [found.map((f) => f.school.id)]);
    const targetsAt = near.map((s) => ({ id: s.id, at: [s.lng, s.lat] as [number, number] }));
    t = performance.now();
    const legs = legsFrom(g, 'WALK', h, targetsAt);
    if (i >= 5) engine.push(performance.now() - t);
    const home = snap(g, 'WALK', h);
    const ends = targetsAt.map((s) => ({ id: s.id, s: snap(g, 'WALK', s.at) })).filter((x) => x.s && legs.get(x.id)!.measure === 'ROAD');
    if (!home || !ends.length) continue;
    const arr = `ARRAY[${[...new Set(ends.map((x) => x.s!.v))].join(',')}]`;
    t = performance.now();
    const full = await db.raw.query<{ end_vid: number; agg_cost: number }>(
      `SELECT end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM bench_edge', ${home.v}, ${arr}, directed => false)`);
    if (i >= 5) pgrFull.push(performance.now() - t);
    const box = `x BETWEEN ${h[0] - 0.03} AND ${h[0] + 0.03} AND y BETWEEN ${h[1] - 0.03} AND ${h[1] + 0.03}`;
    t = performance.now();
    await db.raw.query(`SELECT end_vid, agg_cost FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM bench_edge WHERE ${box}', ${home.v}, ${arr}, directed => false)`);
    if (i >= 5) pgrBox.push(performance.now() - t);
    const cost = new Map(full.map((r) => [Number(r.end_vid), Number(r.agg_cost)]));
    for (const x of ends) {
      const ours = legs.get(x.id)!.meters - home.meters - x.s!.meters;
      const theirs = x.s!.v === home.v ? 0 : cost.get(x.s!.v); // pgRouting leaves out a target that is the start
      if (theirs === undefined) throw new Error(`pgRouting found no route where EduGIS did (home ${h}, school ${x.id})`);
      worst = Math.max(worst, Math.abs(ours - theirs));
      compared++;
    }
  }
  const line = (name: string, xs: number[]) => console.log(`  ${name.padEnd(58)} median ${pct(xs, 0.5).toFixed(2)} ms   p95 ${pct(xs, 0.95).toFixed(2)} ms`);
  console.log(`1. ten nearest primary schools by road on foot, ${N - 5} homes (after 5 warm-ups):`);
  line('schoolsByRoad (GraphQL in-process, candidates + search)', gqlTimes);
  line('EduGIS engine search alone', engine);
  line('pgRouting pgr_dijkstraCost, whole network', pgrFull);
  line('pgRouting pgr_dijkstraCost, edges within ±0.03° of the home', pgrBox);
  console.log(`  ratio pgRouting (box) / EduGIS engine: ${(pct(pgrBox, 0.5) / pct(engine, 0.5)).toFixed(1)}×; ` +
    `${compared} distances compared with pgRouting's (whole network): largest difference ${worst.toFixed(3)} m`);

  // 2. The placement's distances: every ward's point to every school of both entry levels within 10 km.
  const wards = await db.raw.query<{ code: string; lng: number; lat: number }>(`
    SELECT code, ST_X(p) lng, ST_Y(p) lat FROM (SELECT code, ST_PointOnSurface(boundary) p FROM admin_unit
    WHERE level = 'WARD' AND valid_to IS NULL AND province_code = '79') w ORDER BY code`);
  const schools = await db.raw.query<{ id: string; lng: number; lat: number; levels: string[] }>(`
    SELECT id, ST_X(location) lng, ST_Y(location) lat, levels::text[] levels FROM school
    WHERE location IS NOT NULL AND levels && '{PRIMARY,LOWER_SECONDARY}' AND ward_id IN (SELECT id FROM admin_unit WHERE province_code = '79')`);
  t = performance.now();
  let pairs = 0; let road = 0;
  for (const w of wards) {
    const from: [number, number] = [w.lng, w.lat];
    const within = schools.filter((s) => Math.abs(s.lng - w.lng) < 0.092 && Math.abs(s.lat - w.lat) < 0.09).map((s) => ({ id: s.id, at: [s.lng, s.lat] as [number, number] }));
    for (const mode of ['WALK', 'MOTORBIKE'] as const) {
      const legs = legsFrom(g, mode, from, within, 15_000);
      pairs += legs.size;
      for (const l of legs.values()) if (l.measure === 'ROAD') road++;
    }
  }
  const s2 = (performance.now() - t) / 1000;
  console.log(`2. ${wards.length} ward points × schools within 10 km, on foot and by motorbike: ${pairs} distances (${road} by road) in ${s2.toFixed(1)} s`);

  // 3. A whole placement run for grade 1: every primary school of HCMC by distance (places = a fifth of its
  // capacity, or 100), SYNTHETIC demand per ward (1.05 × the places of its own schools, at least 20), the
  // distances by road from each ward's point to its 40 nearest schools, then min-cost-flow.
  const primary = schools.filter((x) => x.levels.includes('PRIMARY'));
  const caps = new Map((await db.raw.query<{ id: string; capacity: number | null; ward: string }>(
    `SELECT s.id, s.capacity, w.code AS ward FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE s.id = ANY ($1)`, [primary.map((x) => x.id)])).map((r) => [r.id, r]));
  const ps: PlacementSchool[] = primary.map((x) => ({ id: x.id, name: x.id, at: [x.lng, x.lat], places: Math.round((caps.get(x.id)?.capacity ?? 500) / 5), capKm: null, capMetric: null, listed: new Set(), distanceRule: true, added: false, synthetic: true }));
  const own = new Map<string, number>();
  for (const x of ps) { const w = caps.get(x.id)!.ward; own.set(w, (own.get(w) ?? 0) + x.places); }
  const areas = wards.map((w) => ({ code: w.code, name: w.code, at: [w.lng, w.lat] as [number, number], children: Math.max(20, Math.round((own.get(w.code) ?? 0) * 1.05)) }));
  const runs: number[] = [];
  let last = simulatePlacement(g, ps, areas);
  for (let i = 0; i < 3; i++) { t = performance.now(); last = simulatePlacement(g, ps, areas); runs.push((performance.now() - t) / 1000); }
  console.log(`3. placement, grade 1: ${areas.length} wards, ${ps.length} schools, ${last.children} children (synthetic demand): ${last.placed} placed, ${last.unplaced} unplaced, ` +
    `mean ${Math.round(last.meanMeters ?? 0)} m by road; median of 3 runs ${pct(runs, 0.5).toFixed(1)} s`);

  // 4. Zones drawn from the rules: every primary school of HCMC admitting by distance within 4 km by road
  // (synthetic rules), drawn by admissionZones (the multi-source search, the grid, the cells merged in PostGIS);
  // beside it, the baseline a planner would otherwise draw: straight-line Voronoi cells of the same schools in PostGIS.
  await db.raw.exec(`INSERT INTO data_source (id, title, licence, attribution, is_synthetic) VALUES ('bench-rules', 'bench', 'none', 'bench', true)`);
  await db.raw.query(`INSERT INTO admission_rule (school_id, school_year, grade, province_code, method, quota_places, distance_cap_km, distance_metric, source_id)
    SELECT unnest($1::text[]), '2030-2031', 1, '79', 'NEAREST_BY_DISTANCE', 100, 4, 'ROAD', 'bench-rules'`, [primary.map((x) => x.id)]);
  const ZQ = `{ admissionZones(provinceCode: "79", schoolYear: "2030-2031", grade: 1) }`;
  t = performance.now();
  const zres = await graphql({ schema, source: ZQ, contextValue: anonymousContext() });
  const first = performance.now() - t;
  if (zres.errors) throw new Error(zres.errors[0]!.message);
  const zfc = zres.data!.admissionZones as { features: unknown[] };
  t = performance.now();
  await graphql({ schema, source: ZQ, contextValue: anonymousContext() });
  const again = performance.now() - t;
  const cellsRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { nearestByRoadCells } = await import('../src/derived-zones.ts');
    cellsRuns.push(nearestByRoadCells(g, primary.map((x) => ({ id: x.id, at: [x.lng, x.lat] as [number, number], capKm: 4, capMetric: 'ROAD' as const }))).ms);
  }
  const voronoi: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await db.raw.query(`SELECT count(*) FROM (SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(location)))).geom FROM school WHERE id = ANY ($1)) v`, [primary.map((x) => x.id)]);
    voronoi.push(performance.now() - t);
  }
  console.log(`4. zones drawn from ${primary.length} distance rules (4 km by road): ${zfc.features.length} zones; admissionZones first ${(first / 1000).toFixed(1)} s, ` +
    `cached ${again.toFixed(0)} ms; the search and grid alone median ${pct(cellsRuns, 0.5).toFixed(0)} ms; baseline straight-line Voronoi in PostGIS median ${pct(voronoi, 0.5).toFixed(0)} ms`);
} finally {
  await drop();
}
