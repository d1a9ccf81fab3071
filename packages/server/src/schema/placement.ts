// placementSimulation: the planners' "what if": a province's entering children of a school year and grade
// (from the loaded ward demand) placed at the schools with a published rule, nearest by road with a free place,
// under a scenario (quotas changed, schools added as points, schools closed). Reported per school (places, placed,
// first-choice demand, overflow), per ward (children, placed, unplaced, mean and max road distance, beyond a cap),
// and as GeoJSON. Two scenarios are compared by asking twice (aliases) in one request.
import type { FeatureCollection } from 'geojson';
import { sql } from '@edugis/prisma-postgis';
import { ENTRY_AGE_GROUP } from '@edugis/db';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import type { Lang } from '../i18n.ts';
import { simulatePlacement, type PlacementArea, type AreaResult, type Placement, type PlacementSchool, type SchoolResult } from '../placement.ts';
import { provinceAt, roadGraph } from '../routing.ts';
import { checkRuleArgs, rulesOf } from './admission-rules.ts';
import { ENTRY_LEVEL } from './admission-answer.ts';
import { checkPoint } from './geo-args.ts';

/** Grades of each entry level: the loaded figures count children of the level's whole age range. */
const GRADES_OF_LEVEL: Record<string, number> = { PRIMARY: 5, LOWER_SECONDARY: 4, UPPER_SECONDARY: 3 };
const MAX_ADDED = 20;
const round7 = (p: [number, number]) => p.map((v) => Math.round(v * 1e7) / 1e7);

const QuotaChange = builder.inputType('PlacementQuotaChange', {
  fields: (t) => ({ schoolId: t.id({ required: true }), places: t.int({ required: true, description: '0 to 5000.' }) }),
});
const NewSchool = builder.inputType('PlacementNewSchool', {
  description: 'A school that does not exist yet: a point with its places; it takes the nearest homes (within its cap, if given).',
  fields: (t) => ({
    name: t.string({ required: true }), longitude: t.float({ required: true }), latitude: t.float({ required: true }),
    places: t.int({ required: true, description: '1 to 5000.' }), distanceCapKm: t.float({ required: false, description: 'Measured by road; above 0, at most 50.' }),
  }),
});
const Scenario = builder.inputType('PlacementScenario', {
  fields: (t) => ({
    quotas: t.field({ type: [QuotaChange], required: false }),
    closeSchools: t.idList({ required: false }),
    addSchools: t.field({ type: [NewSchool], required: false, description: `At most ${MAX_ADDED}.` }),
  }),
});

type DemandKindName = 'LOADED' | 'CENSUS_2019';
const DemandKind = builder.enumType('PlacementDemand', {
  values: {
    LOADED: { description: 'The children per ward loaded by the province (kind ward-demand).' },
    CENSUS_2019: { description: 'An estimate from the 2019 census: each ward\'s population × its 2019 district\'s share of the entry age, carried to today\'s wards. Not a count.' },
  } as const,
});
interface Demand { kind: DemandKindName; year: string | null; title: string; areas: PlacementArea[]; missing: number }
const DemandRef = builder.objectRef<Demand>('PlacementDemandSource').implement({
  description: 'The children a simulation placed: where the figures come from.',
  fields: (t) => ({
    kind: t.field({ type: DemandKind, resolve: (d) => d.kind }),
    estimated: t.boolean({ description: 'True for the census estimate.', resolve: (d) => d.kind === 'CENSUS_2019' }),
    schoolYear: t.string({ nullable: true, description: 'The loaded figures\' school year (null for the census).', resolve: (d) => d.year }),
    title: t.string({ description: 'The source: the import\'s title, or the census and its attribution.', resolve: (d) => d.title }),
    wardsWithoutFigure: t.int({ description: 'Wards of the province with no figure, so not in the simulation.', resolve: (d) => d.missing }),
  }),
});

const LEVEL_VI: Record<string, string> = { PRIMARY: 'tiểu học', LOWER_SECONDARY: 'THCS', UPPER_SECONDARY: 'THPT' };
const AGE_GROUP: Record<number, string> = { 1: '5–9', 6: '10–14', 10: '15–19' };

function demandNote(lang: Lang, r: Result): string {
  const d = r.demand;
  if (d.kind === 'CENSUS_2019') {
    const missing = d.missing ? (lang === 'vi' ? ` ${d.missing} phường/xã không có số liệu điều tra (ngoài TP.HCM cũ/Hà Nội cũ) nên không có trong mô phỏng.` : ` ${d.missing} wards have no census figure (outside old HCMC/Hanoi) and are left out.`) : '';
    return (lang === 'vi'
      ? `ƯỚC TÍNH, không phải số trẻ thật: số trẻ vào lớp ${r.grade} = dân số phường năm 2019 × tỉ lệ nhóm tuổi ${AGE_GROUP[r.grade]} của quận/huyện năm 2019 ÷ 5 (một năm tuổi), chuyển sang phường/xã mới theo bảng sáp nhập (phường cũ chia cho nhiều phường mới được chia đều). Nguồn: Tổng điều tra dân số và nhà ở 2019 (GSO).`
      : `ESTIMATE, not a count: grade ${r.grade} entrants = the ward's 2019 population × its 2019 district's share aged ${AGE_GROUP[r.grade]} ÷ 5 (one year of age), carried to today's wards by the merger crosswalk (an old ward split between new wards is shared equally). Source: GSO Population and Housing Census 2019.`) + missing;
  }
  const missing = d.missing ? (lang === 'vi' ? ` ${d.missing} phường/xã chưa có số trẻ nên không có trong mô phỏng.` : ` ${d.missing} wards have no figure and are left out.`) : '';
  return (lang === 'vi'
    ? `Số trẻ vào lớp ${r.grade} = số trẻ trong độ tuổi ${LEVEL_VI[r.level]} đã nạp (${d.year}) ÷ ${GRADES_OF_LEVEL[r.level]} khối lớp.`
    : `Entering children = the loaded children of ${r.level.toLowerCase().replace('_', '-')} age (${d.year}) ÷ ${GRADES_OF_LEVEL[r.level]} grades.`) + missing;
}

const wardsOf = async (provinceCode: string) => (await prisma().$queryRaw<{ n: number }[]>(sql`
  SELECT count(*)::int AS n FROM admin_unit WHERE province_code = ${provinceCode} AND level = 'WARD' AND valid_to IS NULL AND boundary IS NOT NULL`))[0]!.n;

/** The loaded figures: the year asked for, else the simulation's own year, else the latest loaded. */
async function loadedDemand(ctx: Context, provinceCode: string, level: string, asked: string | null, schoolYear: string): Promise<Demand> {
  const loaded = (await prisma().$queryRaw<{ year: string }[]>(sql`
    SELECT DISTINCT d.school_year AS year FROM ward_demand d JOIN admin_unit w ON w.id = d.ward_id
    WHERE w.province_code = ${provinceCode} AND d.level = ${level}::"SchoolLevel" ORDER BY 1`)).map((r) => r.year);
  const year = asked != null ? (loaded.includes(asked) ? asked : null) : loaded.includes(schoolYear) ? schoolYear : loaded.at(-1) ?? null;
  if (!year) throw userError(ctx.lang, 'error.placementNoDemand', { year: asked ?? schoolYear, level: ctx.lang === 'vi' ? LEVEL_VI[level]! : level });
  const rows = await prisma().$queryRaw<{ code: string; name: string; lng: number; lat: number; children: number; source: string }[]>(sql`
    SELECT w.code, w.name, ST_X(p) AS lng, ST_Y(p) AS lat, d.children, coalesce(i.title, d.source) AS source
    FROM ward_demand d JOIN admin_unit w ON w.id = d.ward_id LEFT JOIN data_source i ON i.id = d.source, -- an import's figures name its source record; loadWardDemand's a text
        
         LATERAL ST_PointOnSurface(w.boundary) AS p
    WHERE w.province_code = ${provinceCode} AND d.level = ${level}::"SchoolLevel" AND d.school_year = ${year} AND w.boundary IS NOT NULL
    ORDER BY w.code`);
  const areas = rows.map((w) => ({ code: w.code, name: w.name, at: [w.lng, w.lat] as [number, number], children: Math.round(w.children / GRADES_OF_LEVEL[level]!) }));
  return { kind: 'LOADED', year, title: [...new Set(rows.map((r) => r.source))].join('; '), areas, missing: (await wardsOf(provinceCode)) - areas.length };
}

/** The 2019 census estimate (migration 0022): one year of the entry age's five-year group. */
async function censusDemand(ctx: Context, provinceCode: string, grade: number): Promise<Demand> {
  const group = ENTRY_AGE_GROUP[grade]!;
  const column = { age5to9: 'age_5_9', age10to14: 'age_10_14', age15to19: 'age_15_19' }[group]; // a fixed name, not input
  const rows = await prisma().$queryRawUnsafe<{ code: string; name: string; lng: number; lat: number; children: number; attribution: string | null }[]>(`
    SELECT w.code, w.name, ST_X(p) AS lng, ST_Y(p) AS lat, e.${column} / 5 AS children, s.attribution
    FROM census_ward_estimate e JOIN admin_unit w ON w.id = e.ward_id JOIN data_source s ON s.id = e.source_id,
         LATERAL ST_PointOnSurface(w.boundary) AS p
    WHERE w.province_code = $1 AND w.boundary IS NOT NULL ORDER BY w.code`, provinceCode);
  if (!rows.length) throw userError(ctx.lang, 'error.placementNoCensus');
  const areas = rows.map((w) => ({ code: w.code, name: w.name, at: [w.lng, w.lat] as [number, number], children: Math.round(w.children) }));
  const title = (ctx.lang === 'vi' ? 'Ước tính từ Tổng điều tra dân số 2019' : 'Estimate from the 2019 census') + (rows[0]!.attribution ? ` (${rows[0]!.attribution})` : '');
  return { kind: 'CENSUS_2019', year: null, title, areas, missing: (await wardsOf(provinceCode)) - areas.length };
}

interface Result extends Placement { schoolYear: string; grade: number; demand: Demand; level: string; roadAttribution: string | null; closed: string[] }

const SchoolRow = builder.objectRef<SchoolResult & { closed?: boolean }>('PlacementSchoolResult').implement({
  fields: (t) => ({
    schoolId: t.id({ description: 'The school\'s id; for an added school "new-1", "new-2", … in the order given.', resolve: (r) => r.school.id }),
    name: t.string({ resolve: (r) => r.school.name }),
    added: t.boolean({ description: 'A school of the scenario, not a real one.', resolve: (r) => r.school.added }),
    synthetic: t.boolean({ description: 'A synthetic school, or its rule comes from a synthetic source.', resolve: (r) => r.school.synthetic }),
    longitude: t.float({ resolve: (r) => r.school.at[0] }),
    latitude: t.float({ resolve: (r) => r.school.at[1] }),
    places: t.int({ resolve: (r) => r.school.places }),
    placed: t.int({ resolve: (r) => r.placed }),
    free: t.int({ resolve: (r) => r.school.places - r.placed }),
    firstChoice: t.int({ description: 'Children for whom this school is the first choice (their listed area\'s school, or else the nearest by road).', resolve: (r) => r.firstChoice }),
    overflow: t.int({ description: 'First-choice children above its places: they are placed elsewhere or not at all.', resolve: (r) => r.overflow }),
  }),
});
const AreaRow = builder.objectRef<AreaResult>('PlacementAreaResult').implement({
  fields: (t) => ({
    wardCode: t.string({ resolve: (r) => r.area.code }),
    wardName: t.string({ resolve: (r) => r.area.name }),
    children: t.int({ description: 'Entering children (the loaded figure ÷ the level\'s grades).', resolve: (r) => r.area.children }),
    placed: t.int({ resolve: (r) => r.placed }),
    unplaced: t.int({ resolve: (r) => r.unplaced }),
    meanRoadMeters: t.int({ nullable: true, resolve: (r) => (r.meanMeters == null ? null : Math.round(r.meanMeters)) }),
    maxRoadMeters: t.int({ nullable: true, resolve: (r) => (r.maxMeters == null ? null : Math.round(r.maxMeters)) }),
    beyondCap: t.int({ description: 'Children placed (by their listed area) at a school farther than its distance cap.', resolve: (r) => r.beyondCap }),
    straightLine: t.int({ description: 'Children whose distance is a straight line × 1.3 (no road route from the ward\'s point).', resolve: (r) => r.straightLine }),
    schools: t.field({
      type: [builder.objectRef<{ schoolId: string; children: number; meters: number }>('PlacementFlow').implement({
        fields: (f) => ({ schoolId: f.id({ resolve: (x) => x.schoolId }), children: f.int({ resolve: (x) => x.children }), roadMeters: f.int({ resolve: (x) => Math.round(x.meters) }) }),
      })],
      resolve: (r) => r.to,
    }),
  }),
});
const ResultRef = builder.objectRef<Result>('PlacementResult').implement({
  fields: (t) => ({
    schoolYear: t.string({ resolve: (r) => r.schoolYear }),
    grade: t.int({ resolve: (r) => r.grade }),
    demand: t.field({ type: DemandRef, description: 'Which children were placed: loaded figures or the census estimate.', resolve: (r) => r.demand }),
    demandSchoolYear: t.string({ nullable: true, description: 'The school year of the loaded demand figures used (null: the census estimate).', resolve: (r) => r.demand.year }),
    demandEstimated: t.boolean({ description: 'True when the children are an estimate from the 2019 census, not loaded figures.', resolve: (r) => r.demand.kind === 'CENSUS_2019' }),
    demandNote: t.string({ description: 'How the entering children were counted, in the request\'s language.', resolve: (r, _a, ctx) => demandNote(ctx.lang, r) }),
    children: t.int({ resolve: (r) => r.children }),
    placed: t.int({ resolve: (r) => r.placed }),
    unplaced: t.int({ resolve: (r) => r.unplaced }),
    meanRoadMeters: t.int({ nullable: true, resolve: (r) => (r.meanMeters == null ? null : Math.round(r.meanMeters)) }),
    schools: t.field({ type: [SchoolRow], resolve: (r) => r.schools }),
    closedSchools: t.idList({ resolve: (r) => r.closed }),
    areas: t.field({ type: [AreaRow], resolve: (r) => r.areas }),
    unplacedAreas: t.field({ type: [AreaRow], description: 'The wards some of whose children cannot be placed, most first.', resolve: (r) => r.areas.filter((a) => a.unplaced > 0).sort((a, b) => b.unplaced - a.unplaced) }),
    roadAttribution: t.string({ nullable: true, description: 'The road network\'s attribution (null: none loaded, distances are straight lines × 1.3).', resolve: (r) => r.roadAttribution }),
    geojson: t.field({
      type: 'GeoJSON', complexity: 20,
      description: 'Schools (places, placed) and ward points (children, unplaced) as an RFC 7946 FeatureCollection; added schools carry "added": true, census-estimated children "childrenEstimated": true.',
      resolve: (r): FeatureCollection => ({
        type: 'FeatureCollection',
        features: [
          ...r.schools.map((s) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: round7(s.school.at) },
            properties: { kind: 'school', id: s.school.id, name: s.school.name, added: s.school.added, synthetic: s.school.synthetic, places: s.school.places, placed: s.placed, overflow: s.overflow } })),
          ...r.areas.map((a) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: round7(a.area.at) },
            properties: { kind: 'ward', code: a.area.code, name: a.area.name, children: a.area.children, childrenEstimated: r.demand.kind === 'CENSUS_2019', placed: a.placed, unplaced: a.unplaced,
              meanRoadMeters: a.meanMeters == null ? null : Math.round(a.meanMeters) } })),
        ],
      }),
    }),
    milliseconds: t.int({ description: 'How long the assignment took.', resolve: (r) => Math.round(r.ms) }),
  }),
});

builder.queryField('placementSimulation', (t) =>
  t.field({
    type: ResultRef,
    complexity: 500,
    description: 'Places a province\'s entering children (the loaded ward demand) at the schools with a published rule for the year and grade, nearest by road with a free place, under an optional scenario. ' +
      'Compare scenarios by asking twice with aliases.',
    args: {
      provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), grade: t.arg.int({ required: true }),
      demand: t.arg({ type: DemandKind, required: false, defaultValue: 'LOADED', description: 'Whose children: the loaded ward figures (default) or the 2019 census estimate.' }),
      demandSchoolYear: t.arg.string({ required: false, description: 'Which loaded demand year to use; by default the same year, else the latest loaded.' }),
      scenario: t.arg({ type: Scenario, required: false }),
    },
    resolve: async (_r, a, ctx) => {
      await checkRuleArgs(ctx, a);
      const level = ENTRY_LEVEL[a.grade]!;
      const rules = await rulesOf(a.provinceCode, a.schoolYear, a.grade);
      if (!rules.length) throw userError(ctx.lang, 'error.placementNoRules', { year: a.schoolYear, grade: a.grade });
      const demand = a.demand === 'CENSUS_2019' ? await censusDemand(ctx, a.provinceCode, a.grade) : await loadedDemand(ctx, a.provinceCode, level, a.demandSchoolYear ?? null, a.schoolYear);
      const areas = demand.areas;
      const locs = new Map((await prisma().$queryRaw<{ id: string; lng: number; lat: number }[]>(sql`
        SELECT id, ST_X(location) AS lng, ST_Y(location) AS lat FROM school WHERE id = ANY (${rules.map((r) => r.school_id)}::text[]) AND location IS NOT NULL`))
        .map((l) => [l.id, [l.lng, l.lat] as [number, number]]));
      let schools: PlacementSchool[] = rules.filter((r) => locs.has(r.school_id)).map((r) => ({
        id: r.school_id, name: r.school.name, at: locs.get(r.school_id)!, places: r.quota_places, capKm: r.distance_cap_km, capMetric: r.distance_metric,
        listed: new Set(r.areas.map((x) => x.ward)), distanceRule: r.method !== 'AREA_LIST', added: false, synthetic: r.school.synthetic || r.is_synthetic,
      }));
      // The scenario, checked.
      const sc = a.scenario ?? {};
      const known = new Set(schools.map((s) => s.id));
      const unknown = [...(sc.quotas ?? []).map((q) => String(q.schoolId)), ...(sc.closeSchools ?? []).map(String)].find((id) => !known.has(id));
      if (unknown) throw userError(ctx.lang, 'error.placementUnknownSchool', { id: unknown.slice(0, 80), year: a.schoolYear, grade: a.grade });
      for (const q of sc.quotas ?? []) {
        if (!Number.isInteger(q.places) || q.places < 0 || q.places > 5000) throw userError(ctx.lang, 'error.placementPlaces', { min: 0, max: 5000 });
        schools = schools.map((s) => (s.id === String(q.schoolId) ? { ...s, places: q.places } : s));
      }
      const closed = [...new Set((sc.closeSchools ?? []).map(String))];
      schools = schools.filter((s) => !closed.includes(s.id));
      if ((sc.addSchools ?? []).length > MAX_ADDED) throw userError(ctx.lang, 'error.placementTooManyAdded', { max: MAX_ADDED });
      for (const [i, n] of (sc.addSchools ?? []).entries()) {
        const p = checkPoint(ctx.lang, n.longitude, n.latitude);
        if (!Number.isInteger(n.places) || n.places < 1 || n.places > 5000) throw userError(ctx.lang, 'error.placementPlaces', { min: 1, max: 5000 });
        if (n.distanceCapKm != null && !(n.distanceCapKm > 0 && n.distanceCapKm <= 50)) throw userError(ctx.lang, 'error.placementCap');
        if ((await provinceAt(p)) !== a.provinceCode) throw userError(ctx.lang, 'error.placementAddOutside', { name: n.name.slice(0, 80) });
        const name = n.name.normalize('NFC').trim().slice(0, 120);
        if (!name) throw userError(ctx.lang, 'error.placementName');
        schools.push({ id: `new-${i + 1}`, name, at: p, places: n.places, capKm: n.distanceCapKm ?? null, capMetric: n.distanceCapKm != null ? 'ROAD' : null, listed: new Set(), distanceRule: true, added: true, synthetic: false });
      }
      const graph = await roadGraph(a.provinceCode);
      const result = simulatePlacement(graph, schools, areas);
      return { ...result, schoolYear: a.schoolYear, grade: a.grade, demand, level, roadAttribution: graph?.source.attribution ?? null, closed };
    },
  }),
);
