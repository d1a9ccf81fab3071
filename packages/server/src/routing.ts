// Distance and time along the roads: a province's active road network (import kind osm-roads) as a graph in
// memory, the same on PostgreSQL and on the embedded PGlite (which has no pgRouting), and one-to-many shortest
// paths on it. Every node of every way is a vertex, so a home snaps to the road within a few metres and a route
// is drawn along the road itself. Two graphs share the vertices: on foot (both ways on every way people may walk)
// and by motorbike (one-way streets respected). A search from the home settles vertices in order of distance
// (Dijkstra, with flatqueue's binary heap) and stops when every school asked about is settled, so asking for
// the 10 nearest schools explores only the streets within the farthest of them.
// Checked against pgRouting's pgr_dijkstraCost on the same edges by bench/routing.ts.
import FlatQueue from 'flatqueue';
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import { sql } from '@edugis/prisma-postgis';
import { prisma } from './db.ts';

export type TravelMode = 'WALK' | 'MOTORBIKE';
/** Metres per minute: walking at 4.5 km/h (as the straight-line estimates); a motorbike in city traffic at 20 km/h. */
export const SPEED_M_PER_MIN: Record<TravelMode, number> = { WALK: 75, MOTORBIKE: 20_000 / 60 };
/** A home or school farther than this from any road is off the network: its distances are straight lines. */
export const SNAP_LIMIT_M = 500;

interface Csr { offsets: Int32Array; targets: Int32Array; weights: Float32Array }
export interface RoadGraph {
  networkId: string; provinceCode: string; vertices: number;
  lng: Float64Array; lat: Float64Array;
  /** The vertices of the largest connected part of each mode's network (where snapping is allowed). */
  main: Record<TravelMode, Uint8Array>;
  csr: Record<TravelMode, Csr>;
  index: KDBush;
  source: { title: string; attribution: string; extractDate: string | null };
}

function toCsr(n: number, from: number[], to: number[], w: number[]): Csr {
  const offsets = new Int32Array(n + 1);
  for (const f of from) offsets[f + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(from.length);
  const weights = new Float32Array(from.length);
  for (let e = 0; e < from.length; e++) {
    const at = fill[from[e]!]!++;
    targets[at] = to[e]!;
    weights[at] = w[e]!;
  }
  return { offsets, targets, weights };
}

/** The vertices of the largest weakly connected part (edges taken both ways). */
function largestPart(n: number, csr: Csr): Uint8Array {
  // Union-find over the edges: their direction does not matter here.
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (let v = 0; v < n; v++) for (let e = csr.offsets[v]!; e < csr.offsets[v + 1]!; e++) {
    const a = find(v); const b = find(csr.targets[e]!);
    if (a !== b) parent[a] = b;
  }
  const size = new Int32Array(n);
  let best = 0;
  for (let v = 0; v < n; v++) { const r = find(v); if (++size[r]! > size[best]!) best = r; }
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (find(v) === best) out[v] = 1;
  return out;
}

/** Builds the graph of a network from its stored ways. */
async function build(networkId: string, provinceCode: string): Promise<RoadGraph> {
  const ways = await prisma().$queryRaw<{ oneway: number; foot: boolean; motor: boolean; node_ids: bigint[] | string[]; line: string }[]>(sql`
    SELECT oneway, foot, motor, node_ids, ST_AsGeoJSON(geom, 7) AS line FROM road_way WHERE network_id = ${networkId}`);
  const [src] = await prisma().$queryRaw<{ title: string; attribution: string; extract_date: string | null }[]>(sql`
    SELECT d.title, d.attribution, to_char(n.extract_date, 'YYYY-MM-DD') AS extract_date
    FROM road_network n JOIN data_source d ON d.id = n.source_id WHERE n.id = ${networkId}`);
  const ids = new Map<string, number>();
  const lng: number[] = []; const lat: number[] = [];
  const edges: Record<TravelMode, { from: number[]; to: number[]; w: number[] }> = { WALK: { from: [], to: [], w: [] }, MOTORBIKE: { from: [], to: [], w: [] } };
  for (const w of ways) {
    const coords = (JSON.parse(w.line) as { coordinates: [number, number][] }).coordinates;
    const vs = w.node_ids.map((id, i) => {
      const key = String(id);
      let v = ids.get(key);
      if (v === undefined) { v = lng.length; ids.set(key, v); lng.push(coords[i]![0]); lat.push(coords[i]![1]); }
      return v;
    });
    for (let i = 1; i < vs.length; i++) {
      const [a, b] = [vs[i - 1]!, vs[i]!];
      if (a === b) continue;
      const m = distance(lng[a]!, lat[a]!, lng[b]!, lat[b]!) * 1000;
      if (w.foot) { edges.WALK.from.push(a, b); edges.WALK.to.push(b, a); edges.WALK.w.push(m, m); }
      if (w.motor) {
        if (w.oneway >= 0) { edges.MOTORBIKE.from.push(a); edges.MOTORBIKE.to.push(b); edges.MOTORBIKE.w.push(m); }
        if (w.oneway <= 0) { edges.MOTORBIKE.from.push(b); edges.MOTORBIKE.to.push(a); edges.MOTORBIKE.w.push(m); }
      }
    }
  }
  const n = lng.length;
  const csr = { WALK: toCsr(n, edges.WALK.from, edges.WALK.to, edges.WALK.w), MOTORBIKE: toCsr(n, edges.MOTORBIKE.from, edges.MOTORBIKE.to, edges.MOTORBIKE.w) };
  const index = new KDBush(Math.max(1, n));
  for (let v = 0; v < n; v++) index.add(lng[v]!, lat[v]!);
  if (!n) index.add(0, 0);
  index.finish();
  return {
    networkId, provinceCode, vertices: n, lng: Float64Array.from(lng), lat: Float64Array.from(lat), index, csr,
    main: { WALK: largestPart(n, csr.WALK), MOTORBIKE: largestPart(n, csr.MOTORBIKE) },
    source: { title: src?.title ?? networkId, attribution: src?.attribution ?? '', extractDate: src?.extract_date ?? null },
  };
}

const graphs = new Map<string, { networkId: string; graph: Promise<RoadGraph> }>();
/** The province's routing graph, built once per loaded network (a new import or a revert rebuilds it); null without one. */
export async function roadGraph(provinceCode: string): Promise<RoadGraph | null> {
  const [active] = await prisma().$queryRaw<{ network_id: string }[]>(sql`SELECT network_id FROM road_network_active WHERE province_code = ${provinceCode}`);
  if (!active) { graphs.delete(provinceCode); return null; }
  let hit = graphs.get(provinceCode);
  if (!hit || hit.networkId !== active.network_id) {
    hit = { networkId: active.network_id, graph: build(active.network_id, provinceCode) };
    hit.graph.catch(() => graphs.delete(provinceCode));
    graphs.set(provinceCode, hit);
  }
  return hit.graph;
}

/** The nearest vertex of a mode's main network to a point, and how far it is; null when farther than SNAP_LIMIT_M. */
export function snap(g: RoadGraph, mode: TravelMode, p: [number, number]): { v: number; meters: number } | null {
  const [v] = around(g.index, p[0], p[1], 1, SNAP_LIMIT_M / 1000, (i) => g.main[mode][i] === 1);
  if (v === undefined) return null;
  return { v, meters: distance(p[0], p[1], g.lng[v]!, g.lat[v]!) * 1000 };
}

export type Measure = 'ROAD' | 'STRAIGHT_LINE';
export type StraightReason = 'NO_NETWORK' | 'HOME_OFF_NETWORK' | 'SCHOOL_OFF_NETWORK' | 'NO_ROUTE';
export interface Leg {
  measure: Measure; meters: number; minutes: number; reason: StraightReason | null;
  /** The route as [lng, lat] positions, home to school (road legs only). */
  route(): [number, number][] | null;
}
const straight = (a: [number, number], b: [number, number], mode: TravelMode, reason: StraightReason): Leg => {
  const meters = distance(a[0], a[1], b[0], b[1]) * 1000;
  return { measure: 'STRAIGHT_LINE', meters, minutes: Math.max(1, Math.round(meters / SPEED_M_PER_MIN[mode])), reason, route: () => null };
};

/**
 * Road distance and time from one point to each target, in one search that stops when every target is settled
 * (or `maxMeters` is passed: the targets beyond are reported as NO_ROUTE straight lines).
 */
export function legsFrom(g: RoadGraph | null, mode: TravelMode, from: [number, number], targets: { id: string; at: [number, number] }[], maxMeters = 60_000,
  /** Stop once this many targets are settled: they are the nearest by road (the rest are left as NO_ROUTE straight lines). */
  stopAfter = Infinity): Map<string, Leg> {
  const out = new Map<string, Leg>();
  if (!targets.length) return out;
  if (!g) { for (const t of targets) out.set(t.id, straight(from, t.at, mode, 'NO_NETWORK')); return out; }
  const home = snap(g, mode, from);
  if (!home) { for (const t of targets) out.set(t.id, straight(from, t.at, mode, 'HOME_OFF_NETWORK')); return out; }
  const want = new Map<number, { id: string; at: [number, number]; meters: number }[]>();
  for (const t of targets) {
    const s = snap(g, mode, t.at);
    if (!s) { out.set(t.id, straight(from, t.at, mode, 'SCHOOL_OFF_NETWORK')); continue; }
    want.set(s.v, [...(want.get(s.v) ?? []), { ...t, meters: s.meters }]);
  }
  const { offsets, targets: to, weights } = g.csr[mode];
  const dist = new Float64Array(g.vertices).fill(Infinity);
  const prev = new Int32Array(g.vertices).fill(-1);
  const queue = new FlatQueue<number>();
  dist[home.v] = 0;
  queue.push(home.v, 0);
  let left = want.size;
  let settled = 0;
  while (queue.length && left > 0 && settled < stopAfter) {
    const d = queue.peekValue()!;
    const v = queue.pop()!;
    if (d > dist[v]!) continue;
    if (d > maxMeters) break;
    const here = want.get(v);
    if (here) {
      left--;
      settled += here.length;
      for (const t of here) {
        const meters = home.meters + d + t.meters;
        out.set(t.id, {
          measure: 'ROAD', meters, minutes: Math.max(1, Math.round(meters / SPEED_M_PER_MIN[mode])), reason: null,
          route: () => {
            const path: [number, number][] = [t.at];
            for (let u = v; u !== -1; u = prev[u]!) path.push([g.lng[u]!, g.lat[u]!]);
            path.push(from);
            return path.reverse();
          },
        });
      }
    }
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = to[e]!;
      const nd = d + weights[e]!;
      if (nd < dist[u]!) { dist[u] = nd; prev[u] = v; queue.push(u, nd); }
    }
  }
  for (const t of targets) if (!out.has(t.id)) out.set(t.id, straight(from, t.at, mode, 'NO_ROUTE'));
  return out;
}

/**
 * How far a motorbike search may go, from the walking legs to the same targets: five times the farthest walk plus 3 km.
 * One-way streets can leave a target unreachable from the home although the network joins them; without a bound
 * the search would then settle every street within 60 km before saying so.
 */
export function rideBound(walk: Map<string, Leg>): number {
  const far = Math.max(0, ...[...walk.values()].filter((l) => l.measure === 'ROAD').map((l) => l.meters));
  return far * 5 + 3000;
}

/** The province a point lies in (its current ward's), or null outside every ward EduGIS knows. */
export async function provinceAt(p: [number, number]): Promise<string | null> {
  const [row] = await prisma().$queryRaw<{ province_code: string }[]>(sql`
    SELECT province_code FROM admin_unit WHERE level = 'WARD' AND valid_to IS NULL
      AND ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(${p[0]}::float8, ${p[1]}::float8), 4326)) LIMIT 1`);
  return row?.province_code ?? null;
}
