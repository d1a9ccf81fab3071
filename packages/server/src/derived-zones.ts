// Admission zones derived from the rules (issue 13): a drawing of what the published rules say, never a rule itself.
// - A rule's listed areas: its whole wards' boundaries; a street as a 40 m corridor along the network's ways of that
//   name inside its ward; a khu phố/ấp by name has no boundary in the data, so its whole ward is drawn and said to be
//   "part of" it.
// - A distance rule: the homes nearest by road (on foot) to this school among the distance rules of the same grade,
//   within its cap: one search from all those schools at once over the road graph (multi-source Dijkstra), read at
//   the points of a grid (250 m) and drawn as the grid's cells merged per school. Points more than 500 m from a road
//   belong to no school (rivers, fields), so the cells follow where people live.
import FlatQueue from 'flatqueue';
import { around, distance } from 'geokdbush';
import { SNAP_LIMIT_M, snap, type RoadGraph } from './routing.ts';

export const CELL_M = 250;
/** How far a distance rule without a cap is drawn (by road). */
export const UNCAPPED_M = 10_000;

export interface DistanceSchool { id: string; at: [number, number]; capKm: number | null; capMetric: 'STRAIGHT' | 'ROAD' | null }
/** Rectangles (runs of grid cells of one school along a row) in degrees: [west, south, east, north]. */
export interface Cells { bySchool: Map<string, [number, number, number, number][]>; cells: number; ms: number }

/** The nearest school by road for every grid point around the schools, within each school's cap. */
export function nearestByRoadCells(g: RoadGraph, schools: DistanceSchool[]): Cells {
  const t0 = performance.now();
  const reach = (s: DistanceSchool) => (s.capKm != null ? s.capKm * 1000 : UNCAPPED_M);
  const out = new Map<string, [number, number, number, number][]>();
  const placed = schools.map((s, i) => ({ s, i, at: snap(g, 'WALK', s.at) })).filter((x) => x.at);
  if (!placed.length) return { bySchool: out, cells: 0, ms: performance.now() - t0 };
  // One search from every school at once: each vertex learns its nearest school and the distance to it.
  const n = g.vertices;
  const dist = new Float64Array(n).fill(Infinity);
  const label = new Int32Array(n).fill(-1);
  const queue = new FlatQueue<number>();
  for (const { i, at } of placed) {
    if (at!.meters < dist[at!.v]!) { dist[at!.v] = at!.meters; label[at!.v] = i; queue.push(at!.v, at!.meters); }
  }
  const limit = Math.max(...placed.map((x) => reach(x.s)));
  const { offsets, targets, weights } = g.csr.WALK;
  while (queue.length) {
    const d = queue.peekValue()!;
    const v = queue.pop()!;
    if (d > dist[v]!) continue;
    if (d > limit) break;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = targets[e]!;
      const nd = d + weights[e]!;
      if (nd < dist[u]!) { dist[u] = nd; label[u] = label[v]!; queue.push(u, nd); }
    }
  }
  // The grid: around the schools, as far as the farthest reach.
  const lat0 = placed.reduce((a, x) => a + x.s.at[1], 0) / placed.length;
  const dy = CELL_M / 111_320;
  const dx = CELL_M / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const pad = limit / 111_320 / Math.cos((lat0 * Math.PI) / 180);
  const west = Math.min(...placed.map((x) => x.s.at[0])) - pad; const east = Math.max(...placed.map((x) => x.s.at[0])) + pad;
  const south = Math.min(...placed.map((x) => x.s.at[1])) - pad; const north = Math.max(...placed.map((x) => x.s.at[1])) + pad;
  const cols = Math.ceil((east - west) / dx); const rows = Math.ceil((north - south) / dy);
  let cells = 0;
  for (let r = 0; r < rows; r++) {
    const y = south + (r + 0.5) * dy;
    let runOf = -1; let runFrom = 0; // the run of cells of one school along this row
    const close = (to: number) => {
      if (runOf === -1) return;
      const id = schools[runOf]!.id;
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push([west + runFrom * dx, south + r * dy, west + to * dx, south + (r + 1) * dy]);
      runOf = -1;
    };
    for (let c = 0; c < cols; c++) {
      const x = west + (c + 0.5) * dx;
      let who = -1;
      const [v] = around(g.index, x, y, 1, SNAP_LIMIT_M / 1000, (k) => g.main.WALK[k] === 1);
      if (v !== undefined && label[v] !== -1) {
        const s = schools[label[v]!]!;
        const road = dist[v]! + distance(x, y, g.lng[v]!, g.lat[v]!) * 1000;
        const measured = s.capMetric === 'STRAIGHT' ? distance(x, y, s.at[0], s.at[1]) * 1000 : road;
        if (measured <= reach(s)) who = label[v]!;
      }
      if (who !== -1) cells++;
      if (runOf !== who) { close(c); if (who !== -1) { runOf = who; runFrom = c; } }
    }
    close(cols);
  }
  return { bySchool: out, cells, ms: performance.now() - t0 };
}
