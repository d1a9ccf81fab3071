// Analytics over published QĐ 4725 results, schools and capacity, aggregated in SQL (never in JavaScript loops):
// maturity by unit (the provinces of the country or the wards of a province), comparison of 2–6 units, a unit's
// trend over the years, a school's peer benchmark, seats against enrolment (and demand) per ward, coverage and
// catchment quality. Published results count (a published correction replaces the result it corrects); results
// in progress only with includeDrafts, for staff within their scope.
import pLimit from 'p-limit';
import { cached as generationCached, type CacheFamily } from '../cache.ts';
import { Prisma } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { indexVersion, parseSchoolYear, schoolYearAt, score, type Answers } from '@edugis/maturity';
import { builder, type Context } from '../builder.ts';
import { database, prisma } from '../db.ts';
import { authError, userError } from '../errors.ts';
import { translator } from '../i18n.ts';
import type { Viewer } from '../auth.ts';
import { Ownership, SchoolLevel } from './school.ts';

/** Fewer published results than this in a unit: figures are shown but marked as thin. */
export const THIN_DATA = 5;
const MAX_COMPARE = 6;
/** The row of schools that cannot be placed in one former district. */
const UNATTRIBUTED = 'UNATTRIBUTED';
/** The last school year before the July 2025 reform (districts were abolished on 1 July 2025). */
export const LAST_FORMER_YEAR = '2024-2025';
/** The school levels QĐ 4725 assesses (preschools are not assessed). */
const ASSESSED = sql`ARRAY['PRIMARY','LOWER_SECONDARY','UPPER_SECONDARY','CONTINUING']::"SchoolLevel"[]`;
/** The result of record per school and year (the newest published revision), kept by triggers (migration 0006). */
const published = (years: string[]) => sql`
  SELECT p.school_id, p.school_year, p.group1_score AS g1, p.group2_score AS g2, p.group1_level AS l1, p.group2_level AS l2, p.overall_level AS lo
  FROM published_result p WHERE p.school_year = ANY (${years}::text[])`;

/**
 * Published results plus, for the schools in `scope`, the newest result in progress (not yet published) of each
 * school and year, which then replaces the published one: what the unit's figures will be once the reviews end.
 */
const withDrafts = (years: string[], scope: Prisma.Sql) => sql`
  SELECT DISTINCT ON (school_id, school_year) school_id, school_year, g1, g2, l1, l2, lo, draft FROM (
    SELECT q.*, false AS draft, 0 AS rank FROM (${published(years)}) q
    UNION ALL
    SELECT a.school_id, a.school_year, a.group1_score, a.group2_score, a.group1_level, a.group2_level, a.overall_level, true, a.revision + 1
    FROM maturity_assessment a JOIN school s ON s.id = a.school_id JOIN admin_unit w ON w.id = s.ward_id
    WHERE a.status <> 'PUBLISHED' AND a.school_year = ANY (${years}::text[]) AND ${scope}
  ) x ORDER BY school_id, school_year, rank DESC`;

/** The longest one analytics statement may run (PostgreSQL; EDUGIS_ANALYTICS_TIMEOUT_MS, default 30 s), and its transaction. */
export const ANALYTICS_TIMEOUT_MS = Number(process.env.EDUGIS_ANALYTICS_TIMEOUT_MS ?? 30_000) || 30_000;

/**
 * Runs one analytics query with settings for a whole-table aggregate: enough sort memory for the medians (the
 * 4 MB default spills national data to disk), no JIT (compiling costs more than it saves at this size) and a
 * statement timeout of its own: a query past it is stopped and answered TIMEOUT, never left holding a connection.
 */
async function aggregate<T>(query: Prisma.Sql): Promise<T[]> {
  return prisma().$transaction(async (tx) => {
    await tx.$executeRaw(sql`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true),
      set_config('statement_timeout', ${String(ANALYTICS_TIMEOUT_MS)}, true)`);
    return tx.$queryRaw<T[]>(query);
  }, { maxWait: 10_000, timeout: ANALYTICS_TIMEOUT_MS + 5_000 });
}

/**
 * Analytics computed afresh run at most this many at once per process (each may take a core and two connections
 * for hundreds of milliseconds): a burst of different questions queues here instead of taking the whole pool
 * from parents' reads. The same question asked at once is computed once (cached() shares the promise).
 */
const heavyLine = pLimit(2);

interface Filters { level?: string | null; ownership?: string | null }
interface UnitYearRow {
  code: string; name: string; full_name: string; school_year: string; schools: number; published: number; drafts: number;
  o1: number; o2: number; o3: number; a1: number; a2: number; a3: number; b1: number; b2: number; b3: number;
  mean_g1: number | null; median_g1: number | null; mean_g2: number | null; median_g2: number | null;
}
export interface UnitMaturity extends UnitYearRow { previous: UnitYearRow | null; previousYear: string | null }

const previousYear = (y: string) => { const [a] = parseSchoolYear(y)!; return `${a - 1}-${a}`; };

/** Computed afresh through the heavy line, answered from the generation cache (cache.ts) until the data changes. */
const cached = <T>(key: string, compute: () => Promise<T>, family: CacheFamily = 'results'): Promise<T> =>
  generationCached(`analytics:${key}`, () => heavyLine(compute), family);

/** Known school years with any published result, newest first. */
async function publishedYears(): Promise<string[]> {
  return cached('years', async () => {
    const rows = await prisma().$queryRaw<{ y: string }[]>(sql`SELECT DISTINCT school_year AS y FROM published_result ORDER BY 1 DESC`);
    return rows.map((r) => r.y);
  });
}
/** Years the figures can be asked for: those with published results, and with drafts also the current school year. */
async function resultYears(drafts: boolean): Promise<string[]> {
  const known = await publishedYears();
  const current = schoolYearAt(new Date());
  return drafts && !known.includes(current) ? [current, ...known] : known;
}
async function checkYear(ctx: Context, year: string, drafts = false) {
  const known = await resultYears(drafts);
  if (!parseSchoolYear(year) || !known.includes(year)) throw userError(ctx.lang, 'error.unknownResultYear', { year: year.slice(0, 20), known: known.join(', ') });
}

/**
 * One row per unit and school year. `parent` null: the provinces of the country; a 2-digit code: that
 * province's wards. Schools count by where they are today, so every year is reported on today's units.
 */
type UnitYearOpts = { parent: string | null; codes?: string[] | null; years: string[]; drafts?: Prisma.Sql | null; former?: boolean } & Filters;
function unitYears(opts: UnitYearOpts): Promise<UnitYearRow[]> {
  // Drafts change without a publication, so answers that include them are never cached.
  if (opts.drafts) return computeUnitYears(opts);
  return cached(`units:${JSON.stringify(opts)}`, () => computeUnitYears(opts));
}

/**
 * Each of a province's wards with the former districts it was made from (the 2025 crosswalk): `district_id` is one
 * when `districts` = 1. A former ward's district is its parent; a district without wards (Côn Đảo) maps to a
 * ward of today by itself.
 */
const formerDistricts = (province: string) => sql`
  SELECT x.new_unit_id AS ward_id, min(o.district) AS district_id, count(DISTINCT o.district) AS districts
  FROM admin_unit_crosswalk x JOIN admin_unit n ON n.id = x.new_unit_id
  JOIN LATERAL (SELECT CASE WHEN u.level = 'DISTRICT' THEN u.id ELSE u.parent_id END AS district FROM admin_unit u WHERE u.id = x.old_unit_id) o ON true
  WHERE n.level = 'WARD' AND n.valid_to IS NULL AND n.province_code = ${province} GROUP BY x.new_unit_id`;

/**
 * The schools whose results in progress a signed-in viewer may count (as `canSeeDrafts`): ward staff their ward's,
 * province staff their province's, school staff their school's, admins every school. Planners and anonymous
 * visitors get an error: they see published results only.
 */
function draftScope(ctx: Context): Prisma.Sql {
  const v: Viewer | null = ctx.viewer;
  switch (v?.role) {
    case 'ADMIN': return sql`true`;
    case 'WARD_STAFF': return sql`s.ward_id = ${v.unitId}`;
    case 'PROVINCE_STAFF': return sql`w.parent_id = ${v.unitId}`;
    case 'SCHOOL_STAFF': case 'PRINCIPAL': return sql`s.id = ${v.schoolId}`;
    default: throw authError(ctx.lang, ctx.sessionExpired, !!v);
  }
}
async function computeUnitYears(opts: UnitYearOpts): Promise<UnitYearRow[]> {
  const byProvince = opts.parent === null;
  const schoolFilter = Prisma.join([
    sql`s.levels && ${ASSESSED}`,
    opts.level ? sql`${opts.level}::"SchoolLevel" = ANY (s.levels)` : sql`true`,
    opts.ownership ? sql`s.ownership = ${opts.ownership}::"Ownership"` : sql`true`,
    // Only the schools that can count: the named provinces, or the parent province's wards.
    byProvince ? (opts.codes ? sql`w.province_code = ANY (${opts.codes}::text[])` : sql`true`) : sql`w.province_code = ${opts.parent}`,
  ], ' AND ');
  // Today's units, or (former) the districts before the July 2025 reform: a school counts in the former district
  // that held every former ward its ward was made from (the 2025 crosswalk); where those wards lay in several
  // districts it cannot be placed (former wards have no boundaries), and counts in the UNATTRIBUTED row.
  const units = opts.former ? sql`
    former AS (${formerDistricts(opts.parent!)}),
    units AS (
      SELECT d.id, d.code, d.name, d.full_name || ' (' || p.name || ')' AS full_name
      FROM admin_unit d JOIN admin_unit p ON p.id = d.parent_id
      WHERE d.id IN (SELECT district_id FROM former WHERE districts = 1)
      UNION ALL SELECT ${UNATTRIBUTED}, ${UNATTRIBUTED}, ${UNATTRIBUTED}, ${UNATTRIBUTED}
    ),
    sc AS (
      SELECT s.id, CASE WHEN f.districts = 1 THEN f.district_id ELSE ${UNATTRIBUTED} END AS unit_id
      FROM school s JOIN admin_unit w ON w.id = s.ward_id LEFT JOIN former f ON f.ward_id = w.id WHERE ${schoolFilter}
    ),` : sql`
    units AS (
      SELECT u.id, u.code, u.name, u.full_name FROM admin_unit u
      WHERE u.valid_to IS NULL AND ${byProvince ? sql`u.level = 'PROVINCE'` : sql`u.level = 'WARD' AND u.province_code = ${opts.parent}`}
        ${opts.codes ? sql`AND u.code = ANY (${opts.codes}::text[])` : sql``}
    ),
    sc AS (
      SELECT s.id, ${byProvince ? sql`w.parent_id` : sql`w.id`} AS unit_id
      FROM school s JOIN admin_unit w ON w.id = s.ward_id WHERE ${schoolFilter}
    ),`;
  return aggregate<UnitYearRow>(sql`
    WITH ${units}
    counts AS (SELECT unit_id, count(*)::int AS schools FROM sc GROUP BY unit_id),
    r AS (${opts.drafts ? withDrafts(opts.years, opts.drafts) : sql`SELECT q.*, false AS draft FROM (${published(opts.years)}) q`}),
    agg AS (
      SELECT sc.unit_id, r.school_year, (count(*) FILTER (WHERE NOT r.draft))::int AS published, (count(*) FILTER (WHERE r.draft))::int AS drafts,
        count(*) FILTER (WHERE r.lo = 'LEVEL_1')::int AS o1, count(*) FILTER (WHERE r.lo = 'LEVEL_2')::int AS o2, count(*) FILTER (WHERE r.lo = 'LEVEL_3')::int AS o3,
        count(*) FILTER (WHERE r.l1 = 'LEVEL_1')::int AS a1, count(*) FILTER (WHERE r.l1 = 'LEVEL_2')::int AS a2, count(*) FILTER (WHERE r.l1 = 'LEVEL_3')::int AS a3,
        count(*) FILTER (WHERE r.l2 = 'LEVEL_1')::int AS b1, count(*) FILTER (WHERE r.l2 = 'LEVEL_2')::int AS b2, count(*) FILTER (WHERE r.l2 = 'LEVEL_3')::int AS b3,
        round(avg(r.g1)::numeric, 2)::float8 AS mean_g1, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.g1)::numeric, 2)::float8 AS median_g1,
        round(avg(r.g2)::numeric, 2)::float8 AS mean_g2, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.g2)::numeric, 2)::float8 AS median_g2
      FROM sc JOIN r ON r.school_id = sc.id GROUP BY sc.unit_id, r.school_year
    )
    SELECT u.code, u.name, u.full_name, y.school_year, coalesce(c.schools, 0) AS schools, coalesce(a.published, 0) AS published, coalesce(a.drafts, 0) AS drafts,
      coalesce(a.o1, 0) AS o1, coalesce(a.o2, 0) AS o2, coalesce(a.o3, 0) AS o3, coalesce(a.a1, 0) AS a1, coalesce(a.a2, 0) AS a2, coalesce(a.a3, 0) AS a3,
      coalesce(a.b1, 0) AS b1, coalesce(a.b2, 0) AS b2, coalesce(a.b3, 0) AS b3, a.mean_g1, a.median_g1, a.mean_g2, a.median_g2
    FROM units u CROSS JOIN unnest(${opts.years}::text[]) AS y(school_year)
    LEFT JOIN counts c ON c.unit_id = u.id
    LEFT JOIN agg a ON a.unit_id = u.id AND a.school_year = y.school_year
    ORDER BY u.code, y.school_year`);
}

async function checkParent(ctx: Context, parent: string | null | undefined): Promise<string | null> {
  if (parent == null) return null;
  if (!/^\d{2}$/.test(parent)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: parent.slice(0, 20) });
  const p = await prisma().adminUnit.findFirst({ where: { code: parent, level: 'PROVINCE', validTo: null }, select: { id: true } });
  if (!p) throw userError(ctx.lang, 'error.unknownProvince', { code: parent });
  return parent;
}

const Unit = builder.objectRef<{ code: string; name: string; full_name: string }>('AnalyticsUnit').implement({
  fields: (t) => ({ code: t.exposeString('code'), name: t.exposeString('name'), fullName: t.exposeString('full_name') }),
});
const Distribution = builder.objectRef<[number, number, number]>('LevelDistribution').implement({
  description: 'How many published results are at Mức 1, 2 and 3.',
  fields: (t) => ({ level1: t.int({ resolve: (d) => d[0] }), level2: t.int({ resolve: (d) => d[1] }), level3: t.int({ resolve: (d) => d[2] }) }),
});
const share = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);
/** Results the figures are computed from: the published ones, plus results in progress when includeDrafts asked for them. */
const counted = (r: UnitYearRow) => r.published + r.drafts;
const digitalShare = (r: UnitYearRow) => share(r.o2 + r.o3, counted(r));
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 10000) / 10000);

const UnitMaturityRef = builder.objectRef<UnitMaturity>('UnitMaturity').implement({
  description: 'Published QĐ 4725 results of the schools in one unit for one school year (with includeDrafts, also the results in progress ' +
    'that the viewer may see, counted in draftCount). Shares are 0–1; null where nothing is counted.',
  fields: (t) => ({
    unit: t.field({ type: Unit, resolve: (r) => r }),
    schoolYear: t.exposeString('school_year'),
    schoolCount: t.exposeInt('schools', { description: 'Schools QĐ 4725 assesses (not preschools) in the unit, after the filters.' }),
    publishedCount: t.exposeInt('published', { description: 'Published results counted (with includeDrafts: those not replaced by a newer result in progress).' }),
    coverage: t.float({ nullable: true, description: '(publishedCount + draftCount) / schoolCount: the share of schools with a result.', resolve: (r) => share(counted(r), r.schools) }),
    draftCount: t.exposeInt('drafts', { description: 'Results in progress (not yet published) counted in these figures: 0 unless includeDrafts was asked by staff in scope.' }),
    thinData: t.boolean({ description: `Fewer than ${THIN_DATA} results counted: read the figures with care.`, resolve: (r) => counted(r) < THIN_DATA }),
    overall: t.field({ type: Distribution, resolve: (r) => [r.o1, r.o2, r.o3] }),
    group1: t.field({ type: Distribution, description: 'Teaching and learning (DH).', resolve: (r) => [r.a1, r.a2, r.a3] }),
    group2: t.field({ type: Distribution, description: 'School management (QT).', resolve: (r) => [r.b1, r.b2, r.b3] }),
    digitalSchoolShare: t.float({ nullable: true, description: 'Share of the counted results at overall Mức 2+ (trường học số).', resolve: digitalShare }),
    meanGroup1Score: t.float({ nullable: true, resolve: (r) => r.mean_g1 }),
    medianGroup1Score: t.float({ nullable: true, resolve: (r) => r.median_g1 }),
    meanGroup2Score: t.float({ nullable: true, resolve: (r) => r.mean_g2 }),
    medianGroup2Score: t.float({ nullable: true, resolve: (r) => r.median_g2 }),
    previousYear: t.string({ nullable: true, resolve: (r) => r.previousYear }),
    digitalSchoolShareChange: t.float({ nullable: true, description: 'Change of digitalSchoolShare since the previous school year.', resolve: (r) => diff(digitalShare(r), r.previous ? digitalShare(r.previous) : null) }),
    meanGroup1ScoreChange: t.float({ nullable: true, resolve: (r) => diff(r.mean_g1, r.previous?.mean_g1 ?? null) }),
    meanGroup2ScoreChange: t.float({ nullable: true, resolve: (r) => diff(r.mean_g2, r.previous?.mean_g2 ?? null) }),
  }),
});

/** Pairs each unit's row for `year` with its row for the year before. */
function withPrevious(rows: UnitYearRow[], year: string): UnitMaturity[] {
  const prev = previousYear(year);
  const byKey = new Map(rows.map((r) => [`${r.code}|${r.school_year}`, r]));
  return rows.filter((r) => r.school_year === year).map((r) => {
    const p = byKey.get(`${r.code}|${prev}`) ?? null;
    return { ...r, previous: p && counted(p) > 0 ? p : null, previousYear: prev };
  });
}

builder.queryFields((t) => ({
  maturityByUnit: t.field({
    type: [UnitMaturityRef],
    complexity: (args) => ({ field: args.includeDrafts ? 200 : 100, multiplier: args.unitCodes?.length ? 6 : 10 }),
    description: 'One row per unit: the provinces of the country (no parentCode) or the wards of a province (parentCode "79"), or only the ' +
      `units named in unitCodes (2 to ${MAX_COMPARE}, to compare them side by side). Published results only, on today's units.`,
    args: {
      schoolYear: t.arg.string({ required: true }),
      parentCode: t.arg.string({ required: false }),
      unitCodes: t.arg.stringList({ required: false }),
      level: t.arg({ type: SchoolLevel, required: false }),
      ownership: t.arg({ type: Ownership, required: false }),
      includeDrafts: t.arg.boolean({ required: false, description: 'Staff only: also count the newest result in progress of each school in the viewer\'s scope (their ward, province or school; all for admins).' }),
    },
    resolve: async (_r, args, ctx) => {
      const drafts = args.includeDrafts ? draftScope(ctx) : null;
      await checkYear(ctx, args.schoolYear, !!drafts);
      const parent = await checkParent(ctx, args.parentCode);
      if (args.level === 'PRESCHOOL') throw userError(ctx.lang, 'error.preschoolNotAssessed');
      const codes = args.unitCodes ? [...new Set(args.unitCodes)] : null;
      if (codes && (codes.length < 2 || codes.length > MAX_COMPARE)) throw userError(ctx.lang, 'error.compareCount', { max: MAX_COMPARE, n: codes.length });
      const rows = await unitYears({ parent, codes, years: [args.schoolYear, previousYear(args.schoolYear)], level: args.level, ownership: args.ownership, drafts });
      if (codes) {
        const found = new Set(rows.map((r) => r.code));
        const unknown = codes.filter((c) => !found.has(c));
        if (unknown.length) throw userError(ctx.lang, 'error.unknownUnits', { codes: unknown.map((c) => c.slice(0, 10)).join(', '), parent: parent ?? 'VN' });
      }
      return withPrevious(rows, args.schoolYear);
    },
  }),
  maturityTrend: t.field({
    type: [UnitMaturityRef],
    complexity: { field: 50, multiplier: 5 },
    description: 'One unit (a province by its 2-digit code, or a ward by its 5-digit code) over every school year with published results, oldest first.',
    args: {
      unitCode: t.arg.string({ required: true }), level: t.arg({ type: SchoolLevel, required: false }), ownership: t.arg({ type: Ownership, required: false }),
      includeDrafts: t.arg.boolean({ required: false, description: 'Staff only, as in maturityByUnit.' }),
    },
    resolve: async (_r, args, ctx) => {
      const drafts = args.includeDrafts ? draftScope(ctx) : null;
      const code = args.unitCode;
      let parent: string | null = null;
      if (/^\d{5}$/.test(code) || /^SYN\d{2}$/.test(code)) {
        const w = await prisma().adminUnit.findFirst({ where: { code, level: 'WARD', validTo: null }, select: { provinceCode: true } });
        if (!w) throw userError(ctx.lang, 'error.unknownWard', { code });
        parent = w.provinceCode;
      } else {
        await checkParent(ctx, code);
      }
      const years = [...(await resultYears(!!drafts))].reverse();
      const rows = await unitYears({ parent, codes: [code], years, level: args.level, ownership: args.ownership, drafts });
      return years.flatMap((y) => withPrevious(rows, y));
    },
  }),
}));

// ---- the units as they then were ---------------------------------------------------------------------------

const FormerUnits = builder.objectRef<{ rows: UnitMaturity[]; unattributed: UnitMaturity; wardsPlaced: number; wardsSplit: number }>('FormerUnitMaturity').implement({
  description: 'Results of a school year before the July 2025 reform on the districts of that time. Former wards and districts have no ' +
    'boundaries in the data, so a school is placed through the 2025 crosswalk: in the former district that held every former ward its ' +
    'ward was made from. Schools whose ward was made from wards of several districts cannot be placed and are counted apart.',
  fields: (t) => ({
    units: t.field({ type: [UnitMaturityRef], description: 'One row per former district (unit code: its former code).', resolve: (f) => f.rows }),
    unattributed: t.field({ type: UnitMaturityRef, description: 'The schools that cannot be placed in one former district.', resolve: (f) => f.unattributed }),
    wardsPlaced: t.exposeInt('wardsPlaced', { description: 'Today\'s wards made wholly from one former district.' }),
    wardsSplit: t.exposeInt('wardsSplit', { description: 'Today\'s wards made from wards of several former districts.' }),
  }),
});

builder.queryField('maturityByFormerUnit', (t) =>
  t.field({
    complexity: 100,
    type: FormerUnits,
    description: `The same figures as maturityByUnit for the wards of a province, on the districts as they then were (school years up to ${LAST_FORMER_YEAR}).`,
    args: {
      schoolYear: t.arg.string({ required: true }), provinceCode: t.arg.string({ required: true }),
      level: t.arg({ type: SchoolLevel, required: false }), ownership: t.arg({ type: Ownership, required: false }),
    },
    resolve: async (_r, args, ctx) => {
      await checkYear(ctx, args.schoolYear);
      if (args.schoolYear > LAST_FORMER_YEAR) throw userError(ctx.lang, 'error.formerUnitsYear', { year: args.schoolYear, last: LAST_FORMER_YEAR });
      const parent = (await checkParent(ctx, args.provinceCode))!;
      if (args.level === 'PRESCHOOL') throw userError(ctx.lang, 'error.preschoolNotAssessed');
      const rows = withPrevious(await unitYears({ parent, years: [args.schoolYear, previousYear(args.schoolYear)], level: args.level, ownership: args.ownership, former: true }), args.schoolYear);
      const [split] = await prisma().$queryRaw<{ placed: number; split: number }[]>(sql`
        SELECT count(*) FILTER (WHERE districts = 1)::int AS placed, count(*) FILTER (WHERE districts > 1)::int AS split FROM (${formerDistricts(parent)}) f`);
      const label = translator(ctx.lang)('analytics.unattributed') as string;
      const un = rows.find((r) => r.code === UNATTRIBUTED)!;
      return { rows: rows.filter((r) => r.code !== UNATTRIBUTED), unattributed: { ...un, name: label, full_name: label }, wardsPlaced: split?.placed ?? 0, wardsSplit: split?.split ?? 0 };
    },
  }),
);

// ---- a school against its peers -------------------------------------------------------------------------

interface PeerRow { peers: number; g1: number | null; g2: number | null; g1_pct: number | null; g2_pct: number | null; peer_median_g1: number | null; peer_median_g2: number | null }
const PeerBenchmark = builder.objectRef<PeerRow>('PeerBenchmark').implement({
  description: 'A school\'s published scores against similar schools: same province, at least one level in common, enrolment within ±50 % ' +
    '(any size when the school\'s enrolment is unknown). Percentiles are 0–100: the share of peers scoring below, counting ties as half.',
  fields: (t) => ({
    peerCount: t.exposeInt('peers'),
    group1Score: t.exposeFloat('g1', { nullable: true }),
    group2Score: t.exposeFloat('g2', { nullable: true }),
    group1Percentile: t.exposeFloat('g1_pct', { nullable: true }),
    group2Percentile: t.exposeFloat('g2_pct', { nullable: true }),
    peerMedianGroup1Score: t.exposeFloat('peer_median_g1', { nullable: true }),
    peerMedianGroup2Score: t.exposeFloat('peer_median_g2', { nullable: true }),
  }),
});

builder.prismaObjectField('School', 'peerBenchmark', (t) =>
  t.field({
    complexity: 20,
    type: PeerBenchmark,
    nullable: true,
    description: 'Null when the school has no published result that year.',
    args: { schoolYear: t.arg.string({ required: true }) },
    resolve: async (school, args, ctx) => {
      await checkYear(ctx, args.schoolYear);
      const [row] = await aggregate<PeerRow>(sql`
        WITH r AS (${published([args.schoolYear])}),
        me AS (SELECT s.id, s.levels, s.enrolment, w.province_code, r.g1, r.g2 FROM school s JOIN admin_unit w ON w.id = s.ward_id JOIN r ON r.school_id = s.id WHERE s.id = ${school.id}),
        peers AS (
          SELECT r.g1, r.g2 FROM me, school s JOIN admin_unit w ON w.id = s.ward_id JOIN r ON r.school_id = s.id
          WHERE w.province_code = me.province_code AND s.levels && me.levels AND s.id <> me.id
            AND (me.enrolment IS NULL OR s.enrolment BETWEEN me.enrolment * 0.5 AND me.enrolment * 1.5)
        )
        SELECT (SELECT count(*)::int FROM peers) AS peers, me.g1, me.g2,
          round((100.0 * avg(CASE WHEN p.g1 < me.g1 THEN 1 WHEN p.g1 = me.g1 THEN 0.5 ELSE 0 END))::numeric, 1)::float8 AS g1_pct,
          round((100.0 * avg(CASE WHEN p.g2 < me.g2 THEN 1 WHEN p.g2 = me.g2 THEN 0.5 ELSE 0 END))::numeric, 1)::float8 AS g2_pct,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY p.g1)::float8 AS peer_median_g1, percentile_cont(0.5) WITHIN GROUP (ORDER BY p.g2)::float8 AS peer_median_g2
        FROM me LEFT JOIN peers p ON true GROUP BY me.g1, me.g2`);
      return row ?? null;
    },
  }),
);

// ---- capacity -------------------------------------------------------------------------------------------

/** Fill rates (enrolment / seats) above this are flagged OVER; below UNDER_BELOW, UNDER. */
export const OVER_ABOVE = 1.0;
export const UNDER_BELOW = 0.7;
interface CapacityRow { code: string; name: string; full_name: string; schools: number; seats: number | null; enrolment: number | null; unknown: number; demand: number | null; demand_year: string | null; demand_source: string | null }
const CapacityFlag = builder.enumType('CapacityFlag', {
  description: `OVER: enrolment above the seats; UNDER: below ${UNDER_BELOW * 100} % of them; OK in between; NO_SCHOOL: no school of the level in the ward.`,
  values: ['OVER', 'OK', 'UNDER', 'NO_SCHOOL'] as const,
});
/** OVER / UNDER / OK for children (or enrolment) against seats; NO_SCHOOL without a school of the level. */
const capacityFlag = (schools: number, seats: number | null, children: number) =>
  schools === 0 ? 'NO_SCHOOL' : !seats ? 'OVER' : children / seats > OVER_ABOVE ? 'OVER' : children / seats < UNDER_BELOW ? 'UNDER' : 'OK';
const fillRate = (r: CapacityRow) => (r.seats ? Math.round(((r.enrolment ?? 0) / r.seats) * 10000) / 10000 : null);
const WardCapacity = builder.objectRef<CapacityRow>('WardCapacity').implement({
  description: 'Seats against enrolment of the schools of one level in one ward. A multi-level school counts its whole capacity and enrolment under each level it teaches (they are not split by level in the data).',
  fields: (t) => ({
    unit: t.field({ type: Unit, resolve: (r) => r }),
    schoolCount: t.exposeInt('schools'),
    seats: t.exposeInt('seats', { nullable: true }),
    enrolment: t.exposeInt('enrolment', { nullable: true }),
    schoolsWithoutFigures: t.exposeInt('unknown', { description: 'Schools with no capacity or enrolment figure (left out of the sums).' }),
    fillRate: t.float({ nullable: true, description: 'enrolment / seats.', resolve: fillRate }),
    demand: t.exposeInt('demand', { nullable: true, description: 'Children of the level\'s age living in the ward, when province staff have loaded a figure (loadWardDemand).' }),
    demandSchoolYear: t.exposeString('demand_year', { nullable: true }),
    demandSource: t.exposeString('demand_source', { nullable: true, description: 'Where the demand figure comes from: the source text given to loadWardDemand, or the title of the import that loaded it.' }),
    demandFlag: t.field({
      type: CapacityFlag, nullable: true,
      description: `Seats against demand: OVER when more children than seats, UNDER when children fill under ${UNDER_BELOW * 100} % of the seats; null without a demand figure.`,
      resolve: (r) => (r.demand === null ? null : capacityFlag(r.schools, r.seats, r.demand)),
    }),
    flag: t.field({
      type: CapacityFlag,
      // Without seat figures there is nothing to compare enrolment with: OK (unlike demand, where no seats is OVER).
      resolve: (r) => (r.schools > 0 && !r.seats ? 'OK' : capacityFlag(r.schools, r.seats, r.enrolment ?? 0)),
    }),
  }),
});

builder.queryField('capacityByWard', (t) =>
  t.field({
    complexity: { field: 30, multiplier: 10 },
    type: [WardCapacity],
    description: 'Per ward of a province, for one school level: schools, seats, enrolment, fill rate and an over/under-capacity flag.',
    args: {
      provinceCode: t.arg.string({ required: true }), level: t.arg({ type: SchoolLevel, required: true }), ownership: t.arg({ type: Ownership, required: false }),
      demandSchoolYear: t.arg.string({ required: false, description: 'The school year of the demand figures; by default the newest loaded for the level in the province.' }),
    },
    resolve: async (_r, args, ctx) => {
      const parent = (await checkParent(ctx, args.provinceCode))!;
      if (args.demandSchoolYear != null && !parseSchoolYear(args.demandSchoolYear)) throw userError(ctx.lang, 'error.invalidSchoolYear', { year: args.demandSchoolYear.slice(0, 20) });
      const demandYear = args.demandSchoolYear ?? sql`(SELECT max(d.school_year) FROM ward_demand d JOIN admin_unit dw ON dw.id = d.ward_id
        WHERE dw.province_code = ${parent} AND d.level = ${args.level}::"SchoolLevel")`;
      return prisma().$queryRaw<CapacityRow[]>(sql`
        SELECT w.code, w.name, w.full_name, count(s.id)::int AS schools, d.children AS demand, d.school_year AS demand_year,
          coalesce(ds.title, d.source) AS demand_source,
          sum(s.capacity) FILTER (WHERE s.capacity IS NOT NULL AND s.enrolment IS NOT NULL)::int AS seats,
          sum(s.enrolment) FILTER (WHERE s.capacity IS NOT NULL AND s.enrolment IS NOT NULL)::int AS enrolment,
          count(s.id) FILTER (WHERE s.capacity IS NULL OR s.enrolment IS NULL)::int AS unknown
        FROM admin_unit w
        LEFT JOIN school s ON s.ward_id = w.id AND ${args.level}::"SchoolLevel" = ANY (s.levels) ${args.ownership ? sql`AND s.ownership = ${args.ownership}::"Ownership"` : sql``}
        LEFT JOIN ward_demand d ON d.ward_id = w.id AND d.level = ${args.level}::"SchoolLevel" AND d.school_year = ${demandYear}
        LEFT JOIN data_source ds ON ds.id = d.source -- an import's figures name its source record; loadWardDemand's a text
        WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = ${parent}
        GROUP BY w.code, w.name, w.full_name, d.children, d.school_year, d.source, ds.title ORDER BY w.code`);
    },
  }),
);


// ---- coverage and catchment quality (PostGIS; metres and km² on the ground) ----------------------------

/** The centre of a province's wards and the WGS 84 UTM zone (SRID) holding it (functions of migration 0007). */
const utmZoneOf = (province: string) => sql`
  SELECT c AS centre, edugis_utm_srid(c) AS srid FROM (
    SELECT ST_Centroid(ST_Extent(boundary)::geometry) AS c FROM admin_unit
    WHERE level = 'WARD' AND valid_to IS NULL AND province_code = ${province} AND boundary IS NOT NULL) x`;

export const MAX_COVERAGE_DISTANCE = 10_000;
/**
 * Coverage and gaps work ward by ward, and PostgreSQL does not parallelise such per-ward subqueries: they run in
 * this many parts side by side, one per core of the 2-core target machine (4 parts measured no better).
 * `run(part)` gets the SQL condition choosing its wards (of `admin_unit w`); the rows come back in code order.
 */
const WARD_PARTS = 2;
async function byWardParts<T extends { code: string }>(run: (wardsOfPart: Prisma.Sql) => Promise<T[]>): Promise<T[]> {
  const parts = await Promise.all(Array.from({ length: WARD_PARTS }, (_, i) => run(sql`abs(hashtext(w.code)) % ${WARD_PARTS}::int = ${i}::int`)));
  return parts.flat().sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
interface CoverageRow { code: string; name: string; full_name: string; area_km2: number; covered_km2: number; uncovered: unknown | null }
const WardCoverage = builder.objectRef<CoverageRow>('WardCoverage').implement({
  description: 'How much of a ward lies within the distance of a school of the level (schools in neighbouring wards count too).',
  fields: (t) => ({
    unit: t.field({ type: Unit, resolve: (r) => r }),
    areaKm2: t.exposeFloat('area_km2'),
    coveredKm2: t.exposeFloat('covered_km2'),
    coveredShare: t.float({ resolve: (r) => (r.area_km2 > 0 ? Math.round((r.covered_km2 / r.area_km2) * 10000) / 10000 : 0) }),
    uncovered: t.field({ type: 'GeoJSON', nullable: true, complexity: 5, description: 'The part farther than the distance from every such school (with withGeometry: true).', resolve: (r) => r.uncovered }),
  }),
});

builder.queryField('coverage', (t) =>
  t.field({
    type: [WardCoverage],
    // Thousands of buffers unioned per ward; the farther, the more of them (and the bigger the uncovered shapes).
    complexity: (args) => ({ field: 1_000 + Math.min(10_000, Math.max(0, args.distanceMeters)) / 5 + (args.withGeometry ? 3_000 : 0), multiplier: 10 }),
    description: `Per ward of a province: the share of its area within distanceMeters (0 < d ≤ ${MAX_COVERAGE_DISTANCE}) of a school teaching the level, e.g. 1000 m for primary.`,
    args: {
      provinceCode: t.arg.string({ required: true }), level: t.arg({ type: SchoolLevel, required: true }),
      distanceMeters: t.arg.float({ required: true }), withGeometry: t.arg.boolean({ required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const d = args.distanceMeters;
      if (!Number.isFinite(d) || d <= 0 || d > MAX_COVERAGE_DISTANCE) throw userError(ctx.lang, 'error.invalidDistance', { max: MAX_COVERAGE_DISTANCE });
      const parent = (await checkParent(ctx, args.provinceCode))!;
      // In the province's UTM zone (migration 0007): buffers of d metres on the ground (d times the point scale
      // factor on the map), unioned per ward, intersected with the ward; areas divided by the scale squared.
      const part = (wardsOfPart: Prisma.Sql) => aggregate<CoverageRow>(sql`
        WITH p AS MATERIALIZED (${utmZoneOf(parent)}),
        w AS MATERIALIZED (
          SELECT w.code, w.name, w.full_name, w.boundary, p.srid, p.centre, ST_Transform(w.boundary, p.srid) AS b,
                 edugis_utm_scale(ST_Centroid(w.boundary), p.centre) AS k
          FROM admin_unit w, p WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = ${parent} AND w.boundary IS NOT NULL
            AND ${wardsOfPart}
        ),
        c AS (
          SELECT w.*, (SELECT ST_Union(ST_Buffer(x.pt, x.r, 'quad_segs=8'))
                       FROM school s, LATERAL (SELECT ST_Transform(s.location, w.srid) AS pt, ${d}::float8 * edugis_utm_scale(s.location, w.centre) AS r) x
                       WHERE ${args.level}::"SchoolLevel" = ANY (s.levels)
                         AND s.location && ST_Expand(w.boundary, ${d}::float8 / 90000.0)   -- index prefilter (≥ d metres in degrees here)
                         AND ST_DWithin(x.pt, w.b, x.r)) AS reach
          FROM w
        )
        SELECT code, name, full_name, round((ST_Area(b) / (k * k) / 1e6)::numeric, 4)::float8 AS area_km2,
          round((coalesce(ST_Area(ST_Intersection(b, reach)), 0) / (k * k) / 1e6)::numeric, 4)::float8 AS covered_km2,
          ${args.withGeometry ? sql`ST_AsGeoJSON(CASE WHEN reach IS NULL THEN boundary ELSE ST_Transform(ST_Difference(b, reach), 4326) END, 6)::json` : sql`NULL::json`} AS uncovered
        FROM c`);
      return cached(`coverage:${parent}:${args.level}:${d}:${!!args.withGeometry}`, () => byWardParts(part), 'geometry');
    },
  }),
);

interface GapRow { code: string; name: string; full_name: string; area_km2: number; ward_km2: number; geometry: unknown }
interface OverlapRow { school_a: string; school_b: string; area_km2: number; geometry: unknown }
interface OutsideRow { school_id: string; name: string }
interface CrossingRow { school_id: string; name: string; ward_code: string; outside_km2: number }
interface Quality { gaps: GapRow[]; overlaps: OverlapRow[]; outside: OutsideRow[]; crossing: CrossingRow[] }
/** Slivers below this (km², i.e. 10 m²) are rounding between clipped polygons, not gaps or overlaps. */
const SLIVER_KM2 = 0.00001;

const CatchmentQuality = builder.objectRef<Quality>('CatchmentQuality').implement({
  description: 'Problems in the admission zones of a province for one school year and entry grade.',
  fields: (t) => ({
    gaps: t.field({
      type: [builder.objectRef<GapRow>('ZoneGap').implement({ fields: (f) => ({
        unit: f.field({ type: Unit, resolve: (r) => r }), areaKm2: f.exposeFloat('area_km2'),
        wardAreaKm2: f.exposeFloat('ward_km2', { description: 'The whole ward\'s area, so areaKm2 / wardAreaKm2 is the share of the ward in no zone.' }),
        geometry: f.field({ type: 'GeoJSON', resolve: (r) => r.geometry }),
      }) })],
      description: 'Per ward, the area that lies in no zone (children living there have no zoned school).', resolve: (q) => q.gaps,
    }),
    overlaps: t.field({
      type: [builder.objectRef<OverlapRow>('ZoneOverlap').implement({ fields: (f) => ({ schoolIds: f.stringList({ resolve: (r) => [r.school_a, r.school_b] }), areaKm2: f.exposeFloat('area_km2'), geometry: f.field({ type: 'GeoJSON', resolve: (r) => r.geometry }) }) })],
      description: 'Areas in two zones at once, per pair of schools.', resolve: (q) => q.overlaps,
    }),
    schoolsOutsideTheirZone: t.field({
      type: [builder.objectRef<OutsideRow>('SchoolOutsideZone').implement({ fields: (f) => ({ schoolId: f.exposeString('school_id'), name: f.exposeString('name') }) })],
      resolve: (q) => q.outside,
    }),
    zonesCrossingWards: t.field({
      type: [builder.objectRef<CrossingRow>('ZoneCrossingWard').implement({ fields: (f) => ({ schoolId: f.exposeString('school_id'), name: f.exposeString('name'), wardCode: f.exposeString('ward_code'), outsideKm2: f.exposeFloat('outside_km2') }) })],
      description: 'Zones that reach beyond the ward of their school, with the area outside it.', resolve: (q) => q.crossing,
    }),
  }),
});

/** School years with enrollment zones, oldest first. */
const zoneYears = () => cached('zoneYears', async () => // in SQL: Prisma's `distinct` read every zone row (38,000 nationally)
  (await prisma().$queryRaw<{ y: string }[]>(sql`SELECT DISTINCT school_year AS y FROM enrollment_zone ORDER BY 1`)).map((r) => r.y), 'geometry');

builder.queryField('catchmentYears', (t) =>
  t.stringList({ description: 'School years with enrollment zones (what catchmentQuality can be asked for), oldest first.', resolve: () => zoneYears() }),
);

builder.queryField('catchmentQuality', (t) =>
  t.field({
    complexity: 1_500,
    type: CatchmentQuality,
    description: 'Gaps, overlaps, schools outside their own zone and zones crossing ward boundaries, for a province, school year and entry grade (1, 6 or 10).',
    args: { provinceCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), entryGrade: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const parent = (await checkParent(ctx, args.provinceCode))!;
      if (![1, 6, 10].includes(args.entryGrade)) throw userError(ctx.lang, 'error.invalidEntryGrade', { grade: args.entryGrade });
      const years = await zoneYears();
      if (!years.includes(args.schoolYear)) throw userError(ctx.lang, 'error.unknownSchoolYear', { year: args.schoolYear.slice(0, 20), known: years.join(', ') });
      // PGlite's GEOS aborts on these overlays in a way no SQL can catch (see migration 0008). Checked after the
      // arguments, so a mistake in them is named on the embedded database too.
      if (database().kind === 'embedded') throw userError(ctx.lang, 'error.catchmentNeedsServer');
      return cached(`quality:${parent}:${args.schoolYear}:${args.entryGrade}`, async () => {
        const ofYear = sql`ez.school_year = ${args.schoolYear} AND ez.entry_grade = ${args.entryGrade}::int AND ez.area IS NOT NULL`;
        // Gaps: each ward minus the union of its own schools' zones and of the zones that reach into it from
        // other wards. Unioning every zone whose box touched the ward (4 times as many, across neighbouring
        // wards) took 0.85 s for HCMC, and GEOS then called two fully zoned wards wholly uncovered. The
        // difference itself (0.65 s for HCMC, as clipped zones share the ward's whole outline) is only computed
        // where a gap can exist: the gap is at most area(ward) − area(union) + area(union outside the ward), and
        // the last term is at most the outside areas of the ward's own zones (kept as zones are written,
        // migration 0008) plus the areas of zones from other wards.
        const gapPart = (wardsOfPart: Prisma.Sql) => aggregate<GapRow>(sql`
          WITH reach AS MATERIALIZED (   -- the province's zones reaching out of their school's ward: few
            SELECT ez.area, s.ward_id FROM enrollment_zone_fact f JOIN enrollment_zone ez ON ez.id = f.zone_id
            JOIN school s ON s.id = ez.school_id JOIN admin_unit sw ON sw.id = s.ward_id
            WHERE f.outside_km2 > ${SLIVER_KM2}::float8 AND ${ofYear} AND sw.province_code = ${parent}
          ),
          -- The bound's two large areas are taken in the province's UTM zone (migration 0007) with the ward's
          -- scale factor: four times cheaper than on the spheroid, and since both cover nearly the same ground
          -- their difference is exact to a few parts in 10,000 of itself (k varies that little across a ward).
          utm AS MATERIALIZED (${utmZoneOf(parent)}),
          u AS (
            SELECT w.code, w.name, w.full_name, w.boundary, c.covered,
              (ST_Area(ST_Transform(w.boundary, utm.srid)) - coalesce(ST_Area(ST_Transform(c.covered, utm.srid)), 0))
                / edugis_utm_scale(ST_Centroid(w.boundary), utm.centre) ^ 2 / 1e6 * 1.001 + coalesce(c.outside_km2, 0) AS gap_at_most
            FROM utm, admin_unit w LEFT JOIN LATERAL (
              SELECT ST_Union(x.area) AS covered, sum(x.outside_km2) AS outside_km2 FROM (
                SELECT ez.area, coalesce(f.outside_km2, 0) AS outside_km2
                FROM school s JOIN enrollment_zone ez ON ez.school_id = s.id LEFT JOIN enrollment_zone_fact f ON f.zone_id = ez.id
                WHERE s.ward_id = w.id AND ${ofYear}
                UNION ALL
                SELECT r.area, ST_Area(r.area::geography) / 1e6 FROM reach r WHERE r.ward_id <> w.id AND r.area && w.boundary
              ) x
            ) c ON true
            WHERE w.level = 'WARD' AND w.valid_to IS NULL AND w.province_code = ${parent} AND w.boundary IS NOT NULL
              AND ${wardsOfPart}
          ),
          g AS MATERIALIZED (   -- once: inlined, the difference was computed for each of its four uses
            SELECT code, name, full_name, boundary,
              CASE WHEN covered IS NULL THEN boundary ELSE ST_CollectionExtract(ST_Difference(boundary, covered), 3) END AS gap
            FROM u WHERE gap_at_most > ${SLIVER_KM2}::float8
          )
          SELECT code, name, full_name, round((ST_Area(gap::geography) / 1e6)::numeric, 5)::float8 AS area_km2,
            round((ST_Area(boundary::geography) / 1e6)::numeric, 5)::float8 AS ward_km2, ST_AsGeoJSON(gap, 6)::json AS geometry
          FROM g WHERE NOT ST_IsEmpty(gap) AND ST_Area(gap::geography) / 1e6 > ${SLIVER_KM2}::float8`);
        // Overlaps, schools outside their zone and zones crossing their ward, all kept as zones are written
        // (migration 0008): one read of the province's zones.
        const rest = aggregate<{ overlaps: OverlapRow[]; outside: OutsideRow[]; crossing: CrossingRow[] }>(sql`
          WITH z AS MATERIALIZED (
            SELECT ez.id, ez.school_id, s.name, w.code AS ward_code, f.outside_km2, f.school_outside
            FROM enrollment_zone ez JOIN school s ON s.id = ez.school_id JOIN admin_unit w ON w.id = s.ward_id
            LEFT JOIN enrollment_zone_fact f ON f.zone_id = ez.id
            WHERE ${ofYear} AND w.province_code = ${parent}
          )
          SELECT
            (SELECT coalesce(json_agg(json_build_object('school_a', p.a, 'school_b', p.b, 'area_km2', p.km2, 'geometry', p.g) ORDER BY p.a, p.b), '[]'::json)
             FROM (SELECT least(a.school_id, b.school_id) AS a, greatest(a.school_id, b.school_id) AS b,
                     round(o.area_km2::numeric, 5)::float8 AS km2, ST_AsGeoJSON(o.geometry, 6)::json AS g
                   FROM enrollment_zone_overlap o JOIN z a ON a.id = o.zone_a JOIN z b ON b.id = o.zone_b
                   WHERE o.area_km2 > ${SLIVER_KM2}::float8) p) AS overlaps,
            (SELECT coalesce(json_agg(json_build_object('school_id', school_id, 'name', name) ORDER BY school_id), '[]'::json)
             FROM z WHERE school_outside) AS outside,
            (SELECT coalesce(json_agg(json_build_object('school_id', school_id, 'name', name, 'ward_code', ward_code,
                'outside_km2', round(outside_km2::numeric, 5)::float8) ORDER BY school_id), '[]'::json)
             FROM z WHERE outside_km2 > ${SLIVER_KM2}::float8) AS crossing`);
        const [gaps, [r]] = await Promise.all([byWardParts(gapPart), rest]);
        return { gaps, overlaps: r!.overlaps, outside: r!.outside, crossing: r!.crossing };
      }, 'geometry');
    },
  }),
);

// ---- the criteria most often standing between a unit's schools and their next level --------------------

interface UnmetItem { code: string; criterionCode: string; title: { vi: string; en: string }; mandatory: boolean; schools: number; points: number }
const UnmetItemRef = builder.objectRef<UnmetItem>('UnmetCriterion').implement({
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Item (or criterion, or mandatory condition) code.' }),
    criterionCode: t.exposeString('criterionCode'),
    titleVi: t.string({ resolve: (i) => i.title.vi }),
    titleEn: t.string({ resolve: (i) => i.title.en }),
    mandatory: t.exposeBoolean('mandatory', { description: 'A mandatory condition to meet (it holds its group at Mức 1).' }),
    schools: t.exposeInt('schools', { description: 'Schools whose path to the next level includes it.' }),
    points: t.exposeFloat('points', { description: 'Points it would add, summed over those schools.' }),
  }),
});
const UnmetCriteria = builder.objectRef<{ schoolsWithAnswers: number; items: UnmetItem[] }>('UnmetCriteria').implement({
  description: 'From each school\'s path to the next level (the rules engine), the items most often in it. Only results scored item by item count: ' +
    'results entered through the EduGIS workflow; the seeded synthetic history has group scores only.',
  fields: (t) => ({ schoolsWithAnswers: t.exposeInt('schoolsWithAnswers'), items: t.field({ type: [UnmetItemRef], resolve: (u) => u.items }) }),
});

builder.queryField('unmetCriteria', (t) =>
  t.field({
    complexity: 30,
    type: UnmetCriteria,
    description: 'The criteria most often unmet in a province (2-digit code) or ward (5-digit code): what stands between its schools and their next level, from published results.',
    args: { unitCode: t.arg.string({ required: true }), schoolYear: t.arg.string({ required: true }), limit: t.arg.int({ required: false, defaultValue: 10 }) },
    resolve: async (_r, args, ctx) => {
      await checkYear(ctx, args.schoolYear);
      const code = args.unitCode;
      const limit = args.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw userError(ctx.lang, 'error.invalidLimit', { max: 50 });
      const isWard = /^(\d{5}|SYN\d{2})$/.test(code);
      if (isWard) {
        if (!(await prisma().adminUnit.findFirst({ where: { code, level: 'WARD', validTo: null } }))) throw userError(ctx.lang, 'error.unknownWard', { code });
      } else await checkParent(ctx, code);
      const rows = await prisma().$queryRaw<{ version: string; evaluated: Answers | null; self: Answers | null }[]>(sql`
        SELECT a.index_version AS version, a.evaluated_answers AS evaluated, a.answers AS self
        FROM published_result p JOIN maturity_assessment a ON a.id = p.assessment_id
        JOIN school s ON s.id = p.school_id JOIN admin_unit w ON w.id = s.ward_id
        WHERE p.school_year = ${args.schoolYear} AND (a.evaluated_answers IS NOT NULL OR a.answers IS NOT NULL)
          AND ${isWard ? sql`w.code = ${code} AND w.valid_to IS NULL` : sql`w.province_code = ${code}`}`);
      const counts = new Map<string, UnmetItem>();
      let scored = 0;
      for (const r of rows) {
        const index = indexVersion(r.version);
        const stored = (r.evaluated ?? r.self) as { points?: Record<string, number>; mandatory?: Record<string, boolean> };
        if (!index) continue;
        let result;
        try { result = score(index, { indexVersion: r.version, points: stored.points ?? {}, mandatory: stored.mandatory ?? {} }); } catch { continue; }
        scored++;
        for (const g of result.groups) {
          if (!g.path) continue;
          const steps = [...g.path.mandatoryToMeet.map((c) => ({ code: c, criterionCode: c, points: 0 })), ...g.path.items];
          for (const step of steps) {
            const c = index.groups.flatMap((x) => x.criteria).find((x) => x.code === step.criterionCode)!;
            const title = step.code === c.code ? c.title : c.items.find((i) => i.code === step.code)!.title;
            const prev = counts.get(step.code) ?? { code: step.code, criterionCode: c.code, title, mandatory: c.mandatory, schools: 0, points: 0 };
            counts.set(step.code, { ...prev, schools: prev.schools + 1, points: Math.round((prev.points + step.points) * 100) / 100 });
          }
        }
      }
      const items = [...counts.values()].sort((a, b) => b.schools - a.schools || b.points - a.points || a.code.localeCompare(b.code)).slice(0, limit);
      return { schoolsWithAnswers: scored, items };
    },
  }),
);
