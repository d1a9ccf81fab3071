// Admission rules as wards and the Sở publish them (import kind admission-rules): per school, school year and
// entry grade, the quota, the method, the areas, the distance cap, priority groups, feeder schools and the
// document; and their check: areas two schools both list without sharing them, and wards no rule reaches (with
// whether the ward has a school of the level at all). Public, like the zones they replace.
import { ruleOverlaps, ruleStates, ruleVersion, uncoveredWards, type RuleArea, type RuleState } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import type { Context } from '../builder.ts';

const Method = builder.enumType('AdmissionMethod', {
  values: {
    AREA_LIST: { description: 'Theo địa bàn: the school takes the children of the listed areas.' },
    NEAREST_BY_DISTANCE: { description: 'Gần nhà: children go to the nearest school with a place, within the cap if one is set.' },
    HYBRID: { description: 'Kết hợp: the listed areas first, then the nearest by distance.' },
  } as const,
});
const Metric = builder.enumType('DistanceMetric', {
  values: { STRAIGHT: { description: 'Đường chim bay: a straight line.' }, ROAD: { description: 'Đường đi: along the road network.' } } as const,
});
const AreaKind = builder.enumType('AdmissionAreaKind', {
  values: {
    WARD: { description: 'A whole ward or commune.' },
    SUB_WARD: { description: 'A khu phố, ấp or tổ dân phố, by name within its ward.' },
    STREET: { description: 'A street within a ward, optionally a range of house numbers (odd, even or all).' },
  } as const,
});

type AreaOut = RuleArea & { ward_name: string | null };
const Area = builder.objectRef<AreaOut>('AdmissionArea').implement({
  description: 'One area a rule takes.',
  fields: (t) => ({
    kind: t.field({ type: AreaKind, resolve: (a) => a.kind }),
    wardCode: t.string({ resolve: (a) => a.ward }),
    wardName: t.string({ nullable: true, description: 'The ward\'s name today (null if the code is no longer a current ward).', resolve: (a) => a.ward_name }),
    name: t.string({ nullable: true, description: 'The khu phố/ấp or the street.', resolve: (a) => a.name ?? null }),
    houseFrom: t.int({ nullable: true, resolve: (a) => a.from ?? null }),
    houseTo: t.int({ nullable: true, resolve: (a) => a.to ?? null }),
    parity: t.string({ nullable: true, description: 'ODD or EVEN house numbers only; null for all.', resolve: (a) => a.parity ?? null }),
  }),
});

interface SchoolBrief { id: string; name: string; synthetic: boolean }
const Brief = builder.objectRef<SchoolBrief>('AdmissionSchool').implement({
  fields: (t) => ({
    id: t.exposeID('id'), name: t.exposeString('name'),
    isSynthetic: t.boolean({ description: 'A synthetic school (demonstration data), not a real one.', resolve: (s) => s.synthetic }),
  }),
});

interface RuleOut extends RuleState {
  school: SchoolBrief; feeders: SchoolBrief[]; shared: SchoolBrief[]; areas: AreaOut[];
  source_title: string; attribution: string; is_synthetic: boolean;
  /** Changes with every change to the rule: an edit names it (editAdmissionRule's expectedVersion). */
  version: string;
}
export const Rule = builder.objectRef<RuleOut>('AdmissionRule').implement({
  description: 'What a ward (or the Sở) publishes for one school, school year and entry grade.',
  fields: (t) => ({
    school: t.field({ type: Brief, resolve: (r) => r.school }),
    schoolYear: t.string({ resolve: (r) => r.school_year }),
    grade: t.int({ description: 'The entry grade: 1, 6 or 10.', resolve: (r) => r.grade }),
    method: t.field({ type: Method, resolve: (r) => r.method }),
    quotaPlaces: t.int({ description: 'Chỉ tiêu: places for the entry grade.', resolve: (r) => r.quota_places }),
    quotaClasses: t.int({ nullable: true, description: 'Chỉ tiêu in classes, when published.', resolve: (r) => r.quota_classes }),
    distanceCapKm: t.float({ nullable: true, resolve: (r) => r.distance_cap_km }),
    distanceMetric: t.field({ type: Metric, nullable: true, description: 'How the cap is measured.', resolve: (r) => r.distance_metric }),
    areas: t.field({ type: [Area], resolve: (r) => r.areas }),
    priorityGroups: t.stringList({ resolve: (r) => r.priority_groups }),
    feederSchools: t.field({ type: [Brief], description: 'Grade 6 and 10: the schools whose leavers it takes first.', resolve: (r) => r.feeders }),
    sharedWith: t.field({ type: [Brief], description: 'Schools it shares its areas with on purpose (tuyển chung).', resolve: (r) => r.shared }),
    documentNumber: t.string({ nullable: true, resolve: (r) => r.document_number }),
    documentDate: t.string({ nullable: true, description: 'YYYY-MM-DD.', resolve: (r) => r.document_date }),
    issuingBody: t.string({ nullable: true, resolve: (r) => r.issuing_body }),
    sourceTitle: t.string({ resolve: (r) => r.source_title }),
    attribution: t.string({ resolve: (r) => r.attribution }),
    isSynthetic: t.boolean({ description: 'True when the rules were loaded as synthetic (test or demonstration) data.', resolve: (r) => r.is_synthetic }),
    version: t.string({ description: 'Changes with every change to the rule; give it to editAdmissionRule as expectedVersion.', resolve: (r) => r.version }),
  }),
});

/** The arguments every rule query takes, checked: a province that exists, a school year, an entry grade. */
export async function checkRuleArgs(ctx: Context, args: { provinceCode: string; schoolYear: string; grade: number }): Promise<void> {
  if (!/^\d{2}$/.test(args.provinceCode)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: args.provinceCode.slice(0, 20) });
  const y = /^(\d{4})-(\d{4})$/.exec(args.schoolYear);
  if (!y || Number(y[2]) !== Number(y[1]) + 1) throw userError(ctx.lang, 'error.calendarSchoolYear', { year: args.schoolYear.slice(0, 20) });
  if (![1, 6, 10].includes(args.grade)) throw userError(ctx.lang, 'error.invalidEntryGrade', { grade: args.grade });
  const [p] = await prisma().$queryRaw<{ n: number }[]>(sql`SELECT count(*)::int AS n FROM admin_unit WHERE level = 'PROVINCE' AND valid_to IS NULL AND code = ${args.provinceCode}`);
  if (!p?.n) throw userError(ctx.lang, 'error.unknownProvince', { code: args.provinceCode });
}

/** A province's rules of a year and grade with names resolved, optionally only those of schools in, or taking areas of, a ward. */
export async function rulesOf(provinceCode: string, schoolYear: string, grade: number, wardCode: string | null = null): Promise<RuleOut[]> {
  const rows = await prisma().$queryRaw<Omit<RuleOut, 'version'>[]>(sql`
    SELECT r.school_id, r.school_year, r.grade::int AS grade, r.method, r.quota_places, r.quota_classes, r.distance_cap_km, r.distance_metric,
           r.priority_groups, r.feeder_school_ids, r.shared_with, r.document_number, to_char(r.document_date, 'YYYY-MM-DD') AS document_date,
           r.issuing_body, r.source_id, d.title AS source_title, d.attribution, d.is_synthetic,
           json_build_object('id', s.id, 'name', s.name, 'synthetic', s.is_synthetic) AS school,
           (SELECT coalesce(json_agg(json_build_object('id', f.id, 'name', f.name, 'synthetic', f.is_synthetic) ORDER BY f.name), '[]') FROM school f WHERE f.id = ANY (r.feeder_school_ids)) AS feeders,
           (SELECT coalesce(json_agg(json_build_object('id', f.id, 'name', f.name, 'synthetic', f.is_synthetic) ORDER BY f.name), '[]') FROM school f WHERE f.id = ANY (r.shared_with)) AS shared,
           (SELECT coalesce(json_agg(a.value || jsonb_build_object('ward_name', w.name) ORDER BY a.ord), '[]')
              FROM jsonb_array_elements(r.areas) WITH ORDINALITY AS a(value, ord)
              LEFT JOIN admin_unit w ON w.level = 'WARD' AND w.valid_to IS NULL AND w.code = a.value->>'ward') AS areas
    FROM admission_rule r JOIN school s ON s.id = r.school_id JOIN data_source d ON d.id = r.source_id
    LEFT JOIN admin_unit sw ON sw.id = s.ward_id
    WHERE r.province_code = ${provinceCode} AND r.school_year = ${schoolYear} AND r.grade = ${grade}::int
      AND (${wardCode}::text IS NULL OR sw.code = ${wardCode}::text OR r.areas @> jsonb_build_array(jsonb_build_object('ward', ${wardCode}::text)))
    ORDER BY s.name, s.id`);
  const states = new Map((await ruleStates(prisma(), rows.map((r) => `${r.school_id}:${r.school_year}:${r.grade}`)))
    .map((st) => [`${st.school_id}:${st.school_year}:${st.grade}`, ruleVersion(st)]));
  return rows.map((r) => ({ ...r, version: states.get(`${r.school_id}:${r.school_year}:${r.grade}`)! }));
}

builder.queryField('admissionRules', (t) =>
  t.field({
    type: [Rule],
    complexity: 20,
    description: 'The admission rules of a province for a school year and entry grade, by school name; with wardCode, only the rules of the ward\'s schools and those taking areas in it. Empty when none has been imported.',
    args: { provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), grade: t.arg.int({ required: true }), wardCode: t.arg.string() },
    resolve: async (_r, a, ctx) => {
      await checkRuleArgs(ctx, a);
      if (a.wardCode != null && !/^\d{5}$/.test(a.wardCode)) throw userError(ctx.lang, 'error.invalidWardCode', { code: a.wardCode.slice(0, 20) });
      return rulesOf(a.provinceCode, a.schoolYear, a.grade, a.wardCode ?? null);
    },
  }),
);

const Overlap = builder.objectRef<{ area: string; ward_code: string; a: SchoolBrief; b: SchoolBrief }>('AdmissionRuleOverlap').implement({
  description: 'An area two schools both list without either saying they share it.',
  fields: (t) => ({
    area: t.string({ description: 'The area (ward code, and the khu phố or street with its numbers).', resolve: (o) => o.area }),
    wardCode: t.string({ resolve: (o) => o.ward_code }),
    schoolA: t.field({ type: Brief, resolve: (o) => o.a }),
    schoolB: t.field({ type: Brief, resolve: (o) => o.b }),
  }),
});
const Gap = builder.objectRef<{ code: string; name: string; has_school: boolean }>('AdmissionRuleGap').implement({
  description: 'A ward no rule reaches: no area in it, and no distance rule whose school is within its cap.',
  fields: (t) => ({
    wardCode: t.string({ resolve: (g) => g.code }),
    wardName: t.string({ resolve: (g) => g.name }),
    hasSchoolOfLevel: t.boolean({ description: 'Whether the ward has a school teaching the grade\'s level at all (false: its children must go next door).', resolve: (g) => g.has_school }),
  }),
});
const Check = builder.objectRef<{ rules: number; overlaps: unknown[]; gaps: unknown[] }>('AdmissionRuleCheck').implement({
  fields: (t) => ({
    rules: t.int({ description: 'How many rules were checked.', resolve: (c) => c.rules }),
    overlaps: t.field({ type: [Overlap], resolve: (c) => c.overlaps as never }),
    uncoveredWards: t.field({ type: [Gap], resolve: (c) => c.gaps as never }),
  }),
});

builder.queryField('admissionRuleCheck', (t) =>
  t.field({
    type: Check,
    complexity: 200,
    description: 'The rule gaps and overlaps of a province for a school year and entry grade, as the catchment checks report polygon gaps: areas two schools list without sharing them, and wards no rule reaches.',
    args: { provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), grade: t.arg.int({ required: true }) },
    resolve: async (_r, a, ctx) => {
      await checkRuleArgs(ctx, a);
      const rules = await rulesOf(a.provinceCode, a.schoolYear, a.grade);
      const brief = new Map(rules.map((r) => [r.school_id, r.school]));
      const overlaps = ruleOverlaps(rules).map((o) => ({ area: o.area, ward_code: o.ward, a: brief.get(o.schoolA)!, b: brief.get(o.schoolB)! }));
      const gaps = rules.length ? await uncoveredWards(prisma(), a.provinceCode, a.grade, rules) : [];
      return { rules: rules.length, overlaps, gaps };
    },
  }),
);

builder.queryField('admissionRuleYears', (t) =>
  t.stringList({
    description: 'The school years with admission rules in a province, oldest first (what placementSimulation can be asked for).',
    args: { provinceCode: t.arg.string({ required: true }) },
    resolve: async (_r, a, ctx) => {
      if (!/^\d{2}$/.test(a.provinceCode)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: a.provinceCode.slice(0, 20) });
      return (await prisma().$queryRaw<{ y: string }[]>(sql`SELECT DISTINCT school_year AS y FROM admission_rule WHERE province_code = ${a.provinceCode} ORDER BY 1`)).map((r) => r.y);
    },
  }),
);
