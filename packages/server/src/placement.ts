// The placement simulation for planners: each ward's entering children placed at schools with a free place, as
// near as possible along the roads, within the published rules (a school whose rule lists only certain areas takes
// only those; a distance rule takes homes within its cap), solved as a capacitated assignment with min-cost-flow
// (successive shortest paths). Children of a listed area go to the school that lists it before anyone else's
// (a cost bonus larger than any distance); a child who can be placed nowhere costs more than any placement, so as
// many children as possible are placed, then as near as possible. Scenarios change a quota, add a school (a
// point) or close one.
import { minCostFlow, type Edge } from 'min-cost-flow';
import { legsFrom, type RoadGraph } from './routing.ts';

export interface PlacementSchool {
  id: string; name: string; at: [number, number]; places: number; capKm: number | null; capMetric: 'STRAIGHT' | 'ROAD' | null;
  /** Ward codes its rule lists (any area kind in the ward); empty for a distance-only rule. */
  listed: Set<string>; distanceRule: boolean; added: boolean;
  /** A synthetic school, or a rule from a synthetic source: the answer is labelled synthetic. */
  synthetic: boolean;
}
export interface PlacementArea { code: string; name: string; at: [number, number]; children: number }
export interface AreaResult {
  area: PlacementArea; placed: number; unplaced: number; meanMeters: number | null; maxMeters: number | null; beyondCap: number;
  /** Placements measured in a straight line (no road route). */
  straightLine: number; to: { schoolId: string; children: number; meters: number }[];
}
export interface SchoolResult { school: PlacementSchool; placed: number; firstChoice: number; overflow: number; areas: { code: string; children: number }[] }
export interface Placement { schools: SchoolResult[]; areas: AreaResult[]; children: number; placed: number; unplaced: number; meanMeters: number | null; ms: number }

/** Distance-only candidates per area: the nearest this many by straight line within this radius. */
const CANDIDATES = 40;
const RADIUS_M = 15_000;
const LISTED_BONUS = 1_000_000; // metres: a listed area's school before any distance rule's
const UNPLACED_COST = 100_000_000;

export function simulatePlacement(graph: RoadGraph | null, schools: PlacementSchool[], areas: PlacementArea[]): Placement {
  const t0 = performance.now();
  const edges: Edge<string>[] = [];
  const pairs = new Map<string, { meters: number; straight: boolean; beyondCap: boolean }>();
  const firstChoice = new Map<string, number>();
  for (const a of areas) {
    if (a.children <= 0) continue;
    const straightTo = (s: PlacementSchool) => legsFrom(null, 'WALK', a.at, [{ id: s.id, at: s.at }]).get(s.id)!.meters;
    const near = schools.map((s) => ({ s, straight: straightTo(s) }));
    const listed = near.filter((x) => x.s.listed.has(a.code));
    const byDistance = near.filter((x) => x.s.distanceRule && !x.s.listed.has(a.code) && x.straight <= RADIUS_M)
      .sort((x, y) => x.straight - y.straight).slice(0, CANDIDATES);
    const cands = [...listed, ...byDistance];
    const legs = legsFrom(graph, 'WALK', a.at, cands.map((x) => ({ id: x.s.id, at: x.s.at })), RADIUS_M * 2);
    let best: { id: string; cost: number } | null = null;
    for (const { s, straight } of cands) {
      const leg = legs.get(s.id)!;
      const meters = leg.measure === 'ROAD' ? leg.meters : straight * 1.3; // streets are longer than the line
      const measured = s.capMetric === 'ROAD' ? meters : straight;
      const beyondCap = s.capKm != null && measured > s.capKm * 1000;
      const isListed = s.listed.has(a.code);
      if (beyondCap && !isListed) continue; // a distance rule does not reach past its cap
      const cost = Math.round(meters) + (isListed ? 0 : LISTED_BONUS);
      pairs.set(`${a.code}|${s.id}`, { meters, straight: leg.measure !== 'ROAD', beyondCap });
      edges.push({ from: `a:${a.code}`, to: `s:${s.id}`, capacity: a.children, cost });
      if (!best || cost < best.cost) best = { id: s.id, cost };
    }
    if (best) firstChoice.set(best.id, (firstChoice.get(best.id) ?? 0) + a.children);
    edges.push({ from: 'SOURCE', to: `a:${a.code}`, capacity: a.children, cost: 0 });
    edges.push({ from: `a:${a.code}`, to: 'UNPLACED', capacity: a.children, cost: UNPLACED_COST });
  }
  for (const s of schools) edges.push({ from: `s:${s.id}`, to: 'SINK', capacity: s.places, cost: 0 });
  const total = areas.reduce((n, a) => n + Math.max(0, a.children), 0);
  edges.push({ from: 'UNPLACED', to: 'SINK', capacity: total, cost: 0 });
  const flows = total ? minCostFlow(edges) : [];

  const byArea = new Map<string, { schoolId: string; children: number }[]>();
  for (const e of flows) {
    if (!e.flow || !e.from.startsWith('a:') || !e.to.startsWith('s:')) continue;
    const code = e.from.slice(2);
    byArea.set(code, [...(byArea.get(code) ?? []), { schoolId: e.to.slice(2), children: e.flow }]);
  }
  const areaResults: AreaResult[] = areas.filter((a) => a.children > 0).map((a) => {
    const to = (byArea.get(a.code) ?? []).map((x) => ({ ...x, meters: pairs.get(`${a.code}|${x.schoolId}`)!.meters })).sort((x, y) => y.children - x.children);
    const placed = to.reduce((n, x) => n + x.children, 0);
    const sum = to.reduce((n, x) => n + x.children * x.meters, 0);
    const info = (x: { schoolId: string }) => pairs.get(`${a.code}|${x.schoolId}`)!;
    return {
      area: a, placed, unplaced: a.children - placed, to,
      meanMeters: placed ? sum / placed : null, maxMeters: to.length ? Math.max(...to.map((x) => x.meters)) : null,
      beyondCap: to.filter((x) => info(x).beyondCap).reduce((n, x) => n + x.children, 0),
      straightLine: to.filter((x) => info(x).straight).reduce((n, x) => n + x.children, 0),
    };
  });
  const schoolResults: SchoolResult[] = schools.map((s) => {
    const from = areaResults.flatMap((r) => r.to.filter((x) => x.schoolId === s.id).map((x) => ({ code: r.area.code, children: x.children })));
    const placed = from.reduce((n, x) => n + x.children, 0);
    const first = firstChoice.get(s.id) ?? 0;
    return { school: s, placed, firstChoice: first, overflow: Math.max(0, first - s.places), areas: from };
  });
  const placed = areaResults.reduce((n, r) => n + r.placed, 0);
  const sum = areaResults.reduce((n, r) => n + (r.meanMeters ?? 0) * r.placed, 0);
  return { schools: schoolResults, areas: areaResults, children: total, placed, unplaced: total - placed, meanMeters: placed ? sum / placed : null, ms: performance.now() - t0 };
}
