// Import kind "admission-zones": the official polygon of a school's admission area for a school year and entry
// grade (migration 0023), one feature per rule, from GeoJSON, KML or a zipped Shapefile. Each feature names its
// school (id or official code), school year and grade in its properties (Vietnamese or English names), optionally
// the document number. Checked: the geometry (a polygon of longitude/latitude, rings closed; a self-intersection is
// repaired and said so), the school and that its rule for that year and grade is loaded, the province (a polygon
// outside it is refused, one partly outside is a warning), and two schools' polygons overlapping by more than 1 %
// of the smaller unless their rules say they share areas.
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { Geometry } from 'geojson';
import { fold, type FileFormat, type Upload } from './file.ts';
import { readFeatures } from './geo-file.ts';
import type { Issue } from './messages.ts';
import { canonical, registerKind, type ImportContext, type ImportKind, type PlanItem, type SqlClient } from './pipeline.ts';

type Prop = 'school' | 'schoolYear' | 'grade' | 'docNumber';
const PROPS: Record<Prop, string[]> = {
  school: ['Mã trường', 'ma_truong', 'school_code', 'school_id', 'school'],
  schoolYear: ['Năm học', 'nam_hoc', 'school_year'],
  grade: ['Lớp', 'lop', 'grade', 'entry_grade'],
  docNumber: ['Số văn bản', 'so_van_ban', 'document_number'],
};
const propOf = new Map(Object.entries(PROPS).flatMap(([k, names]) => names.map((n) => [fold(n), k as Prop])));
/** Vertices per feature: an annex digitised at survey precision, not a whole coastline. */
const MAX_VERTICES = 50_000;
/** Two schools' polygons may touch along a digitised border; more than this share of the smaller is an overlap. */
const OVERLAP_SHARE = 0.01;

export interface ZoneRow { row: number; school: string; schoolYear: string; grade: number; docNumber: string | null; geometry: Geometry }
export interface ZoneState { school_id: string; school_year: string; grade: number; geom: string; document_number: string | null; source_id: string }

function checkGeometry(g: Geometry | null, row: number, errors: Issue[]): Geometry | null {
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) { errors.push({ key: 'zoneNotPolygon', row, values: { type: String(g?.type ?? 'null').slice(0, 30) } }); return null; }
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let vertices = 0;
  for (const rings of polys) {
    if (!Array.isArray(rings) || !rings.length) { errors.push({ key: 'zoneRing', row, values: {} }); return null; }
    for (const ring of rings) {
      if (!Array.isArray(ring) || ring.length < 4) { errors.push({ key: 'zoneRing', row, values: {} }); return null; }
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) { errors.push({ key: 'zoneRing', row, values: {} }); return null; }
        if (Math.abs(p[0]!) > 180 || Math.abs(p[1]!) > 90) {
          errors.push({ key: 'zoneProjected', row, values: { x: p[0]!, y: p[1]! } }); return null;
        }
      }
      const [a, z] = [ring[0]!, ring[ring.length - 1]!];
      if (a[0] !== z[0] || a[1] !== z[1]) { errors.push({ key: 'zoneNotClosed', row, values: {} }); return null; }
      vertices += ring.length;
    }
  }
  if (vertices > MAX_VERTICES) { errors.push({ key: 'zoneTooDetailed', row, values: { n: vertices, max: MAX_VERTICES } }); return null; }
  // Only the two coordinates (a third, the height, is dropped).
  const flat = (rings: number[][][]) => rings.map((r) => r.map((p) => [p[0]!, p[1]!]));
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: flat(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(flat) };
}

async function read(upload: Upload, format: FileFormat) {
  const errors: Issue[] = [];
  const { features, warnings } = await readFeatures(upload, format);
  const rows: ZoneRow[] = [];
  features.forEach((f, i) => {
    const row = i + 1;
    const p = new Map<Prop, string>();
    for (const [k, v] of Object.entries(f.properties)) {
      const key = propOf.get(fold(k));
      if (key && v !== null && v !== undefined && String(v).trim() !== '') p.set(key, String(v).normalize('NFC').trim());
    }
    const school = p.get('school');
    if (!school) { errors.push({ key: 'zoneNoSchool', row, values: { accepted: PROPS.school.join(', ') } }); return; }
    const schoolYear = p.get('schoolYear') ?? '';
    const y = /^(\d{4})-(\d{4})$/.exec(schoolYear);
    if (!y || Number(y[2]) !== Number(y[1]) + 1) { errors.push({ key: 'schoolYear', row, values: { value: schoolYear.slice(0, 20) } }); return; }
    const grade = Number(p.get('grade'));
    if (![1, 6, 10].includes(grade)) { errors.push({ key: 'badGrade', row, values: { value: (p.get('grade') ?? '').slice(0, 10) } }); return; }
    const geometry = checkGeometry(f.geometry, row, errors);
    if (!geometry) return;
    rows.push({ row, school: school.slice(0, 80), schoolYear, grade, docNumber: p.get('docNumber')?.slice(0, 120) ?? null, geometry });
  });
  return { rows, errors, warnings };
}

const STATE_SQL = sql`SELECT school_id, school_year, grade::int AS grade, ST_AsGeoJSON(geom, 7) AS geom, document_number, source_id FROM admission_zone_official`;

async function plan(client: SqlClient, rows: ZoneRow[], ctx: ImportContext) {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const hits = await client.$queryRaw<{ id: string; official_code: string | null; name: string; province_code: string | null }[]>(sql`
    SELECT s.id, s.official_code, s.name, w.province_code FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id
    WHERE s.id = ANY (${rows.map((r) => r.school)}::text[]) OR s.official_code = ANY (${rows.map((r) => r.school)}::text[])`);
  const school = new Map<string, (typeof hits)[number]>();
  for (const h of hits) { school.set(h.id, h); if (h.official_code) school.set(h.official_code, h); }
  // The geometry as PostGIS sees it: repaired when invalid (and said so), counter-clockwise, and how much of it lies in the province.
  const shapes = await client.$queryRaw<{ row: number; geom: string; reason: string | null; area: number; inside: number }[]>(sql`
    WITH f AS (SELECT x.row, ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326) AS g FROM json_to_recordset(${JSON.stringify(rows.map((r) => ({ row: r.row, g: JSON.stringify(r.geometry) })))}::json) AS x("row" int, g text)),
    v AS (SELECT f.row, CASE WHEN ST_IsValid(f.g) THEN NULL ELSE ST_IsValidReason(f.g) END AS reason,
                 ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_MakeValid(f.g), 3))) AS g FROM f),
    p AS (SELECT boundary FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL AND code = ${ctx.province.code})
    SELECT v.row, ST_AsGeoJSON(v.g, 7) AS geom, v.reason, ST_Area(v.g::geography) AS area,
           CASE WHEN ST_Area(v.g) = 0 THEN 0 ELSE ST_Area(ST_Intersection(v.g, p.boundary)) / ST_Area(v.g) END AS inside
    FROM v, p ORDER BY v.row`);
  const shapeOf = new Map(shapes.map((s) => [s.row, s]));
  const rules = await client.$queryRaw<{ key: string; shared_with: string[] }[]>(sql`
    SELECT school_id || ':' || school_year || ':' || grade AS key, shared_with FROM admission_rule
    WHERE province_code = ${ctx.province.code} AND school_year = ANY (${[...new Set(rows.map((r) => r.schoolYear))]}::text[])`);
  const ruleOf = new Map(rules.map((r) => [r.key, r]));
  const valid: { r: ZoneRow; id: string; name: string; state: Omit<ZoneState, 'source_id'> }[] = [];
  const firstOf = new Map<string, number>();
  for (const r of rows) {
    const s = school.get(r.school);
    const shape = shapeOf.get(r.row)!;
    if (!s) { errors.push({ key: 'unknownSchool', row: r.row, values: { id: r.school } }); continue; }
    if (s.province_code !== ctx.province.code) { errors.push({ key: 'schoolOutsideProvince', row: r.row, values: { name: s.name, province: ctx.province.name } }); continue; }
    const key = `${s.id}:${r.schoolYear}:${r.grade}`;
    if (!ruleOf.has(key)) { errors.push({ key: 'zoneNoRule', row: r.row, values: { name: s.name, grade: r.grade, year: r.schoolYear } }); continue; }
    if (firstOf.has(key)) { errors.push({ key: 'duplicateRule', row: r.row, values: { name: s.name, first: firstOf.get(key)! } }); continue; }
    firstOf.set(key, r.row);
    if (!(shape.area > 0)) { errors.push({ key: 'zoneEmpty', row: r.row, values: { name: s.name } }); continue; }
    if (shape.inside < 0.001) { errors.push({ key: 'zoneOutsideProvince', row: r.row, values: { name: s.name, province: ctx.province.name } }); continue; }
    if (shape.inside < 0.95) warnings.push({ key: 'zonePartlyOutside', row: r.row, values: { name: s.name, share: Math.round((1 - shape.inside) * 100), province: ctx.province.name } });
    if (shape.reason) warnings.push({ key: 'zoneRepaired', row: r.row, values: { name: s.name, reason: shape.reason.slice(0, 120) } });
    valid.push({ r, id: s.id, name: s.name, state: { school_id: s.id, school_year: r.schoolYear, grade: r.grade, geom: shape.geom, document_number: r.docNumber } });
  }
  // Overlaps: the file's polygons with each other and with the stored ones it does not replace, same year and grade.
  const years = [...new Set(rows.map((r) => r.schoolYear))];
  const stored = await client.$queryRaw<ZoneState[]>(sql`${STATE_SQL} WHERE school_year = ANY (${years}::text[])
    AND school_id IN (SELECT s.id FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE w.province_code = ${ctx.province.code})`);
  const byKey = new Map(stored.map((s) => [`${s.school_id}:${s.school_year}:${s.grade}`, s]));
  if (!errors.length && valid.length) {
    const mine = new Set(valid.map((v) => `${v.id}:${v.r.schoolYear}:${v.r.grade}`));
    const all = [...valid.map((v) => ({ ...v.state, row: v.r.row })), ...stored.filter((s) => !mine.has(`${s.school_id}:${s.school_year}:${s.grade}`)).map((s) => ({ ...s, row: null }))];
    const pairs = await client.$queryRaw<{ a: number; b: number; share: number }[]>(sql`
      WITH z AS (SELECT ord, ST_GeomFromGeoJSON(x.geom) AS g, x.school_year, x.grade FROM json_to_recordset(${JSON.stringify(all.map((z, ord) => ({ ord, geom: z.geom, school_year: z.school_year, grade: z.grade })))}::json)
                   AS x(ord int, geom text, school_year text, grade int))
      SELECT a.ord AS a, b.ord AS b, ST_Area(ST_Intersection(a.g, b.g)) / least(ST_Area(a.g), ST_Area(b.g)) AS share
      FROM z a JOIN z b ON a.ord < b.ord AND a.school_year = b.school_year AND a.grade = b.grade AND ST_Intersects(a.g, b.g)`);
    const names = new Map(hits.map((h) => [h.id, h.name]));
    for (const p of pairs) {
      if (!(p.share > OVERLAP_SHARE)) continue;
      const [x, y] = [all[p.a]!, all[p.b]!];
      if (x.row === null && y.row === null) continue;
      const shared = (ruleOf.get(`${x.school_id}:${x.school_year}:${x.grade}`)?.shared_with ?? []).includes(y.school_id)
        || (ruleOf.get(`${y.school_id}:${y.school_year}:${y.grade}`)?.shared_with ?? []).includes(x.school_id);
      if (shared) continue;
      errors.push({ key: 'zoneOverlap', row: (x.row ?? y.row)!, values: { school: names.get(x.school_id) ?? x.school_id, other: names.get(y.school_id) ?? y.school_id, share: Math.round(p.share * 100) } });
    }
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  const items: PlanItem<ZoneState, ZoneRow>[] = valid.map(({ r, id, name, state }) => {
    const key = `${id}:${r.schoolYear}:${r.grade}`;
    const before = byKey.get(key) ?? null;
    const fields = (['geom', 'document_number'] as const).filter((f) => canonical(before?.[f] ?? null) !== canonical(state[f]))
      .map((f) => ({ field: f, before: f === 'geom' ? (before ? '(polygon)' : null) : before?.[f] ?? null, after: f === 'geom' ? '(polygon)' : state[f] }));
    return {
      action: !before ? 'ADD' : fields.length ? 'CHANGE' : 'UNCHANGED', key, label: `${name} · lớp ${r.grade} · ${r.schoolYear}`, row: r.row, data: r,
      before, after: before && !fields.length ? before : { ...state, source_id: ctx.sourceId }, fields: before ? fields : undefined,
    };
  });
  return { items, errors, warnings };
}

async function apply(tx: SqlClient, items: PlanItem<ZoneState>[]) {
  const put = items.filter((i) => (i.action === 'ADD' || i.action === 'CHANGE') && i.after).map((i) => i.after!).sort((a, b) => canonical([a.school_id, a.school_year, a.grade]).localeCompare(canonical([b.school_id, b.school_year, b.grade])));
  if (put.length) {
    await tx.$executeRaw(sql`
      INSERT INTO admission_zone_official (school_id, school_year, grade, geom, document_number, source_id)
      SELECT x.school_id, x.school_year, x.grade, ST_SetSRID(ST_GeomFromGeoJSON(x.geom), 4326), x.document_number, x.source_id
      FROM jsonb_to_recordset(${JSON.stringify(put)}::jsonb) AS x(school_id text, school_year text, grade int, geom text, document_number text, source_id text)
      ON CONFLICT (school_id, school_year, grade) DO UPDATE SET geom = EXCLUDED.geom, document_number = EXCLUDED.document_number, source_id = EXCLUDED.source_id`);
  }
  const gone = items.filter((i) => i.action === 'REMOVE').map((i) => i.key).sort();
  if (gone.length) await tx.$executeRaw(sql`DELETE FROM admission_zone_official WHERE school_id || ':' || school_year || ':' || grade = ANY (${gone}::text[])`);
}

async function checkRevert(tx: SqlClient, items: PlanItem<ZoneState>[]): Promise<Issue | null> {
  const now = await tx.$queryRaw<ZoneState[]>(sql`${STATE_SQL} WHERE school_id || ':' || school_year || ':' || grade = ANY (${items.map((i) => i.key)}::text[]) FOR UPDATE`);
  const current = new Map(now.map((z) => [`${z.school_id}:${z.school_year}:${z.grade}`, z]));
  const conflicts = items.filter((i) => canonical(current.get(i.key) ?? null) !== canonical(i.before));
  return conflicts.length ? { key: 'revertConflict', values: { n: conflicts.length, name: conflicts[0]!.label } } : null;
}

export const admissionZonesKind: ImportKind<ZoneRow, ZoneState> = {
  id: 'admission-zones', formats: ['geojson', 'kml', 'shapefile'], read, plan, apply, checkRevert,
};
registerKind(admissionZonesKind);
