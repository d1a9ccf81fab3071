// admissionZones: the published rules of a province, year and entry grade drawn on the map (derived-zones.ts says
// how). Always an illustration: the rule's text decides, and each feature says so in the reader's language.
// Computed once per set of rules and road network (the cache is keyed on both), since a road-distance drawing
// takes a second or two for a city.
import { createHash } from 'node:crypto';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { sql } from '@edugis/prisma-postgis';
import { streetKey } from '@edugis/db';
import { builder } from '../builder.ts';
import { cached } from '../cache.ts';
import { prisma } from '../db.ts';
import { nearestByRoadCells, UNCAPPED_M, type DistanceSchool } from '../derived-zones.ts';
import type { Lang } from '../i18n.ts';
import { roadGraph } from '../routing.ts';
import { checkRuleArgs, rulesOf } from './admission-rules.ts';

type ZoneKind = 'OFFICIAL' | 'LISTED_AREAS' | 'NEAREST_BY_ROAD';
interface Drawn {
  schoolId: string; schoolName: string; synthetic: boolean; kind: ZoneKind; partial: boolean; capKm: number | null; capMetric: string | null; geometry: Geometry;
  /** OFFICIAL: the document and source it was imported with. */
  document?: string | null; source?: string;
}

const geometryOf = (text: string) => JSON.parse(text) as Geometry;
// RFC 7946: exterior rings counter-clockwise; valid polygons only.
const OUT = (g: string) => `ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(${g}), 3))), 6)`;

async function draw(provinceCode: string, schoolYear: string, grade: number): Promise<Drawn[]> {
  const rules = await rulesOf(provinceCode, schoolYear, grade);
  if (!rules.length) return [];
  const graph = await roadGraph(provinceCode);
  const key = createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 16);
  return cached(`admission-zones|${provinceCode}|${schoolYear}|${grade}|${graph?.networkId ?? '-'}|${key}`, async () => {
    const about = new Map(rules.map((r) => [r.school_id, r]));
    const base = (id: string, kind: ZoneKind, geometry: Geometry, partial = false): Drawn => {
      const r = about.get(id)!;
      return { schoolId: id, schoolName: r.school.name, synthetic: r.school.synthetic || r.is_synthetic, kind, partial, capKm: r.distance_cap_km, capMetric: r.distance_metric, geometry };
    };
    const out: Drawn[] = [];
    // Official polygons (imported, kind admission-zones): they are the listed areas of their rules.
    const official = await prisma().$queryRaw<{ school_id: string; geom: string; document_number: string | null; title: string }[]>(sql`
      SELECT z.school_id, ST_AsGeoJSON(z.geom, 6) AS geom, z.document_number, d.title FROM admission_zone_official z JOIN data_source d ON d.id = z.source_id
      WHERE z.school_year = ${schoolYear} AND z.grade = ${grade}::int AND z.school_id = ANY (${rules.map((r) => r.school_id)}::text[]) ORDER BY z.school_id`);
    for (const o of official) out.push({ ...base(o.school_id, 'OFFICIAL', geometryOf(o.geom)), document: o.document_number, source: o.title });
    const hasOfficial = new Set(official.map((o) => o.school_id));
    // Listed areas: wards whole (a khu phố by name: its ward, "part of"), streets as corridors along their ways.
    const drawnRules = rules.filter((r) => !hasOfficial.has(r.school_id));
    const wards = drawnRules.flatMap((r) => r.areas.filter((a) => a.kind !== 'STREET').map((a) => ({ school_id: r.school_id, ward: a.ward, part: a.kind !== 'WARD' })));
    const streets = drawnRules.flatMap((r) => r.areas.filter((a) => a.kind === 'STREET').map((a) => ({ school_id: r.school_id, ward: a.ward, key: streetKey(a.name ?? '') })));
    let corridors: { school_id: string; ward: string; osm_ids: string[] }[] = [];
    if (streets.length && graph) {
      const ways = await prisma().$queryRaw<{ ward: string; osm_id: string; name: string }[]>(sql`
        SELECT u.code AS ward, w.osm_id::text AS osm_id, w.name FROM admin_unit u
        JOIN road_way w ON w.network_id = ${graph.networkId} AND w.name IS NOT NULL AND ST_Intersects(w.geom, u.boundary)
        WHERE u.level = 'WARD' AND u.valid_to IS NULL AND u.code = ANY (${[...new Set(streets.map((s) => s.ward))]}::text[])`);
      corridors = streets.map((s) => ({ ...s, osm_ids: ways.filter((w) => w.ward === s.ward && streetKey(w.name) === s.key).map((w) => w.osm_id) }))
        .filter((s) => s.osm_ids.length);
    }
    if (wards.length || corridors.length) {
      const rows = await prisma().$queryRawUnsafe<{ school_id: string; partial: boolean; geom: string }[]>(`
        WITH pieces AS (
          SELECT x.school_id, x.part, u.boundary AS g
          FROM json_to_recordset($1::json) AS x(school_id text, ward text, part boolean)
          JOIN admin_unit u ON u.level = 'WARD' AND u.valid_to IS NULL AND u.code = x.ward
          UNION ALL
          SELECT x.school_id, true, ST_Intersection(u.boundary,
            (SELECT ST_Buffer(ST_Union(w.geom)::geography, 40)::geometry FROM road_way w WHERE w.network_id = $3 AND w.osm_id = ANY (x.osm_ids::bigint[])))
          FROM json_to_recordset($2::json) AS x(school_id text, ward text, osm_ids text[])
          JOIN admin_unit u ON u.level = 'WARD' AND u.valid_to IS NULL AND u.code = x.ward
        )
        SELECT school_id, bool_or(part) AS partial, ${OUT('ST_Union(g)')} AS geom FROM pieces GROUP BY school_id ORDER BY school_id`,
      JSON.stringify(wards), JSON.stringify(corridors), graph?.networkId ?? '');
      for (const r of rows) if (r.geom && !r.geom.includes('"coordinates":[]')) out.push(base(r.school_id, 'LISTED_AREAS', geometryOf(r.geom), r.partial));
    }
    // Distance rules: the homes nearest by road to each, within its cap.
    const byDistance = rules.filter((r) => r.method !== 'AREA_LIST');
    if (byDistance.length && graph) {
      const locs = await prisma().$queryRaw<{ id: string; lng: number; lat: number }[]>(sql`
        SELECT id, ST_X(location) AS lng, ST_Y(location) AS lat FROM school WHERE id = ANY (${byDistance.map((r) => r.school_id)}::text[]) AND location IS NOT NULL`);
      const schools: DistanceSchool[] = locs.map((l) => {
        const r = about.get(l.id)!;
        return { id: l.id, at: [l.lng, l.lat], capKm: r.distance_cap_km, capMetric: r.distance_metric as DistanceSchool['capMetric'] };
      });
      const cells = nearestByRoadCells(graph, schools);
      const boxes = [...cells.bySchool].flatMap(([id, list]) => list.map(([w, s, e, n]) => ({ id, w, s, e, n })));
      if (boxes.length) {
        const rows = await prisma().$queryRawUnsafe<{ id: string; geom: string }[]>(`
          WITH prov AS (SELECT boundary FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL AND code = $2),
          cells AS (SELECT x.id, ST_Union(ST_MakeEnvelope(x.w, x.s, x.e, x.n, 4326)) AS g
                    FROM json_to_recordset($1::json) AS x(id text, w float8, s float8, e float8, n float8) GROUP BY x.id)
          SELECT c.id, ${OUT('CASE WHEN p.boundary IS NULL THEN c.g ELSE ST_Intersection(c.g, p.boundary) END')} AS geom
          FROM cells c LEFT JOIN prov p ON true ORDER BY c.id`, JSON.stringify(boxes), provinceCode);
        for (const r of rows) if (r.geom && !r.geom.includes('"coordinates":[]')) out.push(base(r.id, 'NEAREST_BY_ROAD', geometryOf(r.geom)));
      }
    }
    return out;
  }, 'geometry');
}

function note(lang: Lang, d: Drawn): string {
  if (d.kind === 'OFFICIAL') {
    return lang === 'vi'
      ? `Ranh giới chính thức${d.document ? ` theo văn bản ${d.document}` : ''}, nhập từ "${d.source}".`
      : `Official boundary${d.document ? ` under document ${d.document}` : ''}, imported from "${d.source}".`;
  }
  const cap = d.capKm != null ? d.capKm : UNCAPPED_M / 1000;
  if (d.kind === 'NEAREST_BY_ROAD') {
    const limit = lang === 'vi'
      ? (d.capKm != null ? `trong bán kính ${cap} km ${d.capMetric === 'STRAIGHT' ? 'đường chim bay' : 'theo đường đi'}` : `vẽ đến ${cap} km theo đường đi (quy định không có bán kính)`)
      : (d.capKm != null ? `within its ${cap} km cap (${d.capMetric === 'STRAIGHT' ? 'straight line' : 'by road'})` : `drawn to ${cap} km by road (the rule has no cap)`);
    return lang === 'vi'
      ? `Minh họa, không phải ranh giới chính thức: những nơi ở gần trường này nhất theo đường đi bộ trong số các trường tuyển theo khoảng cách, ${limit}; ô lưới ${250} m. Việc xét tuyển theo quy định và khoảng cách thực tế của từng nhà.`
      : `Illustration, not an official boundary: the homes nearest to this school on foot among the schools admitting by distance, ${limit}; 250 m grid cells. Admission follows the rule and each home's actual distance.`;
  }
  return lang === 'vi'
    ? `Minh họa, không phải ranh giới chính thức: địa bàn quy định vẽ theo ranh giới phường/xã${d.partial ? ' (một phần: khu phố/ấp vẽ cả phường chứa nó, tuyến đường vẽ dải 40 m dọc đường)' : ''}.`
    : `Illustration, not an official boundary: the listed areas drawn by their wards' boundaries${d.partial ? ' (in part: a khu phố/ấp is drawn as its whole ward, a street as a 40 m strip along it)' : ''}.`;
}

builder.queryField('admissionZones', (t) =>
  t.field({
    type: 'GeoJSON',
    complexity: 100,
    description: 'The admission rules of a province, school year and entry grade drawn on the map, as an RFC 7946 FeatureCollection: per rule its listed areas ' +
      '(wards whole; a khu phố/ấp as its ward, "partial": true; a street as a 40 m strip) and, for rules by distance, the homes nearest to it by road within its cap. ' +
      'An official polygon imported for a rule (kind admission-zones) is drawn instead of its listed areas, as OFFICIAL, "illustrative": false. ' +
      'Every other feature is "illustrative": true with a note in the request\'s language; the rule decides, not the drawing. Empty when no rule is loaded.',
    args: {
      provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), grade: t.arg.int({ required: true }),
      schoolIds: t.arg.idList({ required: false, description: 'Only these schools\' zones (at most 50).' }),
    },
    resolve: async (_r, a, ctx): Promise<FeatureCollection> => {
      await checkRuleArgs(ctx, a);
      const only = a.schoolIds ? new Set(a.schoolIds.slice(0, 50).map(String)) : null;
      const drawn = (await draw(a.provinceCode, a.schoolYear, a.grade)).filter((d) => !only || only.has(d.schoolId));
      const features: Feature[] = drawn.map((d) => ({
        type: 'Feature', geometry: d.geometry,
        properties: { kind: d.kind, schoolId: d.schoolId, schoolName: d.schoolName, synthetic: d.synthetic, partial: d.partial, capKm: d.capKm, capMetric: d.capMetric,
          illustrative: d.kind !== 'OFFICIAL', document: d.document ?? null, schoolYear: a.schoolYear, grade: a.grade, note: note(ctx.lang, d) },
      }));
      return { type: 'FeatureCollection', features };
    },
  }),
);
