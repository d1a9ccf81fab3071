// The hand-made world of the road tests: a few roads and schools in Châu Đức (HCMC since 2025), where the 2018
// OpenStreetMap extract has no road and no seeded school is within 4 km, so every distance is known by hand.

// Metres between two points on the sphere geokdbush uses (R = 6371.0088 km… within a metre of it here).
export const metres = (a: [number, number], b: [number, number]) => {
  const r = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * r) / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
  return 2 * 6371.0088e3 * Math.asin(Math.sqrt(h));
};

// The hand-made world, around C in Châu Đức.
export const C: [number, number] = [107.26, 10.75];
export const at = (dx: number, dy: number): [number, number] => [Math.round((C[0] + dx) * 1e7) / 1e7, Math.round((C[1] + dy) * 1e7) / 1e7];
export const main = (k: number) => at(k * 0.005, 0); // the main road's nodes, k = -2 … 6 (ids k + 3)
export const HOME = at(0, 0.0005);
export const FAR_HOME = at(-0.01, -0.008); // 885 m south of the main road's west end
export const S1 = at(0.004, 0.004); // behind the river: reached by the spur from the main road's east end
export const S2 = at(0.010, -0.0008); // just south of the main road
export const S3 = at(-0.004, 0.009); // a kilometre from any road
export const N20 = at(0.030, 0.004); export const N21 = at(0.017, 0.004); export const N22 = S1;
export const N30 = at(0.010, -0.004); export const N31 = at(0.030, -0.004);
export type Way = { id: number; nodes: [number, [number, number]][]; oneway?: number; foot?: boolean; motor?: boolean; highway?: string };
export const WAYS: Way[] = [
  { id: 100, nodes: [-2, -1, 0, 1, 2].map((k) => [k + 3, main(k)]) },
  { id: 101, nodes: [2, 3, 4, 5, 6].map((k) => [k + 3, main(k)]), oneway: -1 }, // westward only for motor traffic
  { id: 102, nodes: [[9, main(6)], [20, N20]] },
  { id: 103, nodes: [[20, N20], [21, N21], [22, N22]], oneway: 1 },
  { id: 104, nodes: [[5, main(2)], [30, N30], [31, N31], [9, main(6)]] }, // the way round, south
];
export const FOOTWAY: Way = { id: 105, nodes: [[4, main(1)], [22, N22]], foot: true, motor: false, highway: 'footway' };

/** Loading the hand-made network and its schools, as the database's owner. */
export function worldFixtures(sqlq: (text: string, params?: unknown[]) => Promise<unknown>) {
  async function loadNetwork(id: string, ways: Way[]) {
    await sqlq(`INSERT INTO road_network (id, province_code, source_id, extract_date, ways, nodes) VALUES ($1, '79', 'test-roads', '2026-12-01', $2, 0)`, [id, ways.length]);
    for (const w of ways) {
      await sqlq(`INSERT INTO road_way (network_id, osm_id, highway, name, oneway, foot, motor, node_ids, geom)
        VALUES ($1, $2, $3, NULL, $4, $5, $6, $7::bigint[], ST_GeomFromText($8, 4326))`, [
        id, w.id, w.highway ?? 'residential', w.oneway ?? 0, w.foot ?? true, w.motor ?? true, `{${w.nodes.map((n) => n[0]).join(',')}}`,
        `LINESTRING(${w.nodes.map(([, p]) => `${p[0]} ${p[1]}`).join(', ')})`,
      ]);
    }
    await sqlq(`INSERT INTO road_network_active (province_code, network_id) VALUES ('79', $1) ON CONFLICT (province_code) DO UPDATE SET network_id = EXCLUDED.network_id`, [id]);
  }
  const addSchool = (id: string, p: [number, number], level = 'PRIMARY', capacity: number | null = null) => sqlq(`INSERT INTO school (id, name, levels, ownership, location, location_confidence, is_synthetic, source_id, capacity)
    VALUES ($1, $2, ARRAY[$5]::"SchoolLevel"[], 'PUBLIC', ST_SetSRID(ST_MakePoint($3, $4), 4326), 'SYNTHETIC', true, 'test-roads', $6)`,
    [id, `Trường ${level === 'PRIMARY' ? 'Tiểu học' : 'THCS'} ${id}`, p[0], p[1], level, capacity]);
  const addSource = () => sqlq(`INSERT INTO data_source (id, title, licence, attribution, is_synthetic) VALUES ('test-roads', 'Hand-made network (test)', 'test', 'EduGIS tests', true) ON CONFLICT DO NOTHING`);
  return { loadNetwork, addSchool, addSource };
}

