import type { Point } from 'geojson';
import { sql, type Sql } from '@edugis/prisma-postgis';
import { checkDistance, checkLimit, checkPoint, walkingMinutes } from './geo-args.ts';
import { limitCost, pageCost } from '../cost.ts';
import { builder, MAX_PAGE_SIZE } from '../builder.ts';
import { prisma, spatial } from '../db.ts';
import { rethrowSpatial, userError } from '../errors.ts';

export const SchoolLevel = builder.enumType('SchoolLevel', {
  description: 'Cấp học taught. A multi-level school lists each level.',
  values: {
    PRESCHOOL: { description: 'Mầm non' },
    PRIMARY: { description: 'Tiểu học (grades 1–5)' },
    LOWER_SECONDARY: { description: 'Trung học cơ sở, THCS (grades 6–9)' },
    UPPER_SECONDARY: { description: 'Trung học phổ thông, THPT (grades 10–12)' },
    CONTINUING: { description: 'Trung tâm GDTX / GDNN-GDTX (continuing education)' },
  } as const,
});
export const Ownership = builder.enumType('Ownership', {
  description: 'Loại hình.',
  values: { PUBLIC: { description: 'Công lập' }, PRIVATE: { description: 'Tư thục' }, PEOPLE_FOUNDED: { description: 'Dân lập' }, UNKNOWN: { description: 'Not known from the source' } } as const,
});
const LocationConfidence = builder.enumType('LocationConfidence', {
  values: { SURVEYED: { description: 'A mapped position (e.g. an OpenStreetMap node)' }, GEOCODED: { description: 'Derived from an address' }, SYNTHETIC: { description: 'Generated: not a real place' } } as const,
});
export const MaturityLevel = builder.enumType('MaturityLevel', {
  description: 'Mức of QĐ 4725/QĐ-BGDĐT: below 50 points Mức 1, 50–75 Mức 2, above 75 Mức 3. Mức 2+ is a "trường học số".',
  values: ['LEVEL_1', 'LEVEL_2', 'LEVEL_3'] as const,
});

const Coordinates = builder.objectRef<{ longitude: number; latitude: number }>('Coordinates').implement({
  description: 'A WGS84 position (EPSG:4326).',
  fields: (t) => ({ longitude: t.exposeFloat('longitude'), latitude: t.exposeFloat('latitude') }),
});

builder.prismaObject('MaturityAssessment', {
  description: 'A school\'s yearly result against QĐ 4725, from the first saved self-assessment to publication. Anonymous visitors and planners see published results only; school staff, and the ward/province staff over the school, also see results in progress.',
  fields: (t) => ({
    id: t.exposeID('id'),
    schoolYear: t.exposeString('schoolYear', { description: 'Written "2025-2026".' }),
    indexVersion: t.exposeString('indexVersion'),
    group1Score: t.exposeFloat('group1Score', { description: 'Teaching and learning (dạy, học), out of 100.' }),
    group2Score: t.exposeFloat('group2Score', { description: 'School management (quản trị), out of 100.' }),
    group1Level: t.expose('group1Level', { type: MaturityLevel }),
    group2Level: t.expose('group2Level', { type: MaturityLevel }),
    overallLevel: t.expose('overallLevel', { type: MaturityLevel, description: 'The lower of the two group levels.' }),
    isDigitalSchool: t.boolean({ description: 'Trường học số: overall Mức 2 or above.', resolve: (a) => a.overallLevel !== 'LEVEL_1' }),
    isSynthetic: t.exposeBoolean('isSynthetic'),
    source: t.relation('source', { description: 'Where the result came from: the EduGIS workflow, an import of past results (with its title and licence), or the synthetic generator.' }),
  }),
});

export const School = builder.prismaObject('School', {
  description: 'A school or continuing-education centre. Check isSynthetic: most schools in this build are generated.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id ("osm-node-…" for OpenStreetMap schools, "syn-…" for synthetic ones).' }),
    officialCode: t.exposeString('officialCode', { nullable: true, description: 'Ministry school code, where known.' }),
    name: t.exposeString('name'),
    levels: t.expose('levels', { type: [SchoolLevel] }),
    ownership: t.expose('ownership', { type: Ownership }),
    isInternational: t.exposeBoolean('isInternational'),
    address: t.exposeString('address', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true, description: 'As the source or the office gives it.' }),
    website: t.exposeString('website', { nullable: true, description: 'An http(s) address.' }),
    capacity: t.exposeInt('capacity', { nullable: true, description: 'Places (synthetic figure for synthetic schools).' }),
    enrolment: t.exposeInt('enrolment', { nullable: true, description: 'Pupils enrolled (synthetic figure for synthetic schools).' }),
    ward: t.relation('ward', { nullable: true, description: 'Today\'s ward/commune the school lies in.' }),
    isSynthetic: t.exposeBoolean('isSynthetic', { description: 'True when this school was generated, not a real school.' }),
    locationConfidence: t.expose('locationConfidence', { type: LocationConfidence }),
    source: t.relation('source', { description: 'Where this record came from, with licence and attribution.' }),
    sourceRef: t.exposeString('sourceRef', { nullable: true, description: 'Reference within the source, e.g. "openstreetmap.org/node/123".' }),
    location: t.loadable({
      type: Coordinates,
      nullable: true,
      description: 'Where the school is.',
      load: async (ids: string[]) => {
        const geoms = await spatial().school.getGeometries(ids);
        return ids.map((id) => {
          const g = geoms.get(id) as Point | undefined;
          return g ? { longitude: g.coordinates[0]!, latitude: g.coordinates[1]! } : null;
        });
      },
      resolve: (school) => school.id,
    }),
    maturityResults: t.relation('assessments', {
      complexity: { field: 1, multiplier: 5 }, // one per school year: four or five
      description: 'Published QĐ 4725 results, newest school year first: one per year (a published correction replaces the result it corrects; see `assessments` for the history).',
      query: { where: { status: 'PUBLISHED', corrections: { none: { status: 'PUBLISHED' } } }, orderBy: { schoolYear: 'desc' } },
    }),
  }),
});

const WARD_CODE = /^(\d{5}|SYN\d{2})$/;

builder.queryFields((t) => ({
  schools: t.prismaConnection({
    type: 'School',
    cursor: 'id',
    complexity: (args) => ({ field: 5, multiplier: pageCost(args) }),
    totalCount: async (_root, args, ctx) => prisma().school.count({ where: await schoolWhere(args, ctx) }),
    description:
      `Schools, ordered by id, a page at a time (first/after; at most ${MAX_PAGE_SIZE} a page). Filters combine with AND: ` +
      '`level` (schools teaching that level, multi-level schools included), `ownership`, `wardCode` (today\'s 5-digit ward/commune code), ' +
      '`provinceCode` (2 digits) and `bbox` ([west, south, east, north] in WGS84 degrees; schools inside it). ' +
      'Synthetic schools are included: check `isSynthetic`.',
    args: {
      level: t.arg({ type: SchoolLevel, required: false }),
      ownership: t.arg({ type: Ownership, required: false }),
      wardCode: t.arg.string({ required: false }),
      provinceCode: t.arg.string({ required: false }),
      bbox: t.arg.floatList({ required: false }),
      synthetic: t.arg.boolean({ required: false, description: 'true: only synthetic schools; false: only real ones.' }),
    },
    resolve: async (query, _root, args, ctx) => {
      for (const n of [args.first, args.last]) {
        if (n != null && (n < 1 || n > MAX_PAGE_SIZE)) throw userError(ctx.lang, 'error.pageSize', { max: MAX_PAGE_SIZE });
      }
      const where = await schoolWhere(args, ctx);
      return prisma().school.findMany({ ...query, where, orderBy: { id: 'asc' } });
    },
  }),
  school: t.prismaField({
    type: 'School',
    nullable: true,
    description: 'One school by its stable id; null when there is none.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args) => (String(args.id).length > 200 ? null : prisma().school.findUnique({ ...query, where: { id: String(args.id) } })),
  }),
  wards: t.prismaField({
    type: ['AdminUnit'],
    complexity: { field: 5, multiplier: 20 }, // HCMC has 168 wards; a selection's cost counts 20 of them
    description: 'Today\'s wards/communes of a province (default 79, Ho Chi Minh City), by code.',
    args: { provinceCode: t.arg.string({ required: false, defaultValue: '79' }) },
    resolve: (query, _root, args, ctx) => {
      const code = args.provinceCode ?? '79';
      if (!/^\d{2}$/.test(code)) throw userError(ctx.lang, 'error.invalidProvinceCode', { code: code.slice(0, 20) });
      return prisma().adminUnit.findMany({ ...query, where: { level: 'WARD', validTo: null, provinceCode: code }, orderBy: { code: 'asc' } });
    },
  }),
}));

// The page and its totalCount need the same filter; a bbox filter is a spatial query, so it is built once per
// request and argument set, not once per field.
const whereCache = new WeakMap<object, Map<string, ReturnType<typeof buildSchoolWhere>>>();
function schoolWhere(args: Parameters<typeof buildSchoolWhere>[0], ctx: { lang: 'vi' | 'en' }) {
  const { level, ownership, wardCode, provinceCode, bbox, synthetic } = args;
  const key = JSON.stringify([level, ownership, wardCode, provinceCode, bbox, synthetic]);
  let perRequest = whereCache.get(ctx);
  if (!perRequest) whereCache.set(ctx, (perRequest = new Map()));
  let where = perRequest.get(key);
  if (!where) perRequest.set(key, (where = buildSchoolWhere(args, ctx.lang)));
  return where;
}

async function buildSchoolWhere(
  args: { level?: string | null; ownership?: string | null; wardCode?: string | null; provinceCode?: string | null; bbox?: number[] | null; synthetic?: boolean | null },
  lang: 'vi' | 'en',
) {
  const and: object[] = [];
  if (args.level) and.push({ levels: { has: args.level } });
  if (args.ownership) and.push({ ownership: args.ownership });
  if (args.synthetic != null) and.push({ isSynthetic: args.synthetic });
  if (args.wardCode != null) {
    if (!WARD_CODE.test(args.wardCode)) throw userError(lang, 'error.invalidWardCode', { code: args.wardCode.slice(0, 20) });
    and.push({ ward: { code: args.wardCode, validTo: null } });
  }
  if (args.provinceCode != null) {
    if (!/^\d{2}$/.test(args.provinceCode)) throw userError(lang, 'error.invalidProvinceCode', { code: args.provinceCode.slice(0, 20) });
    and.push({ ward: { provinceCode: args.provinceCode } });
  }
  if (args.bbox != null) {
    if (args.bbox.length !== 4) throw userError(lang, 'error.invalidBbox');
    const ids = await spatial()
      .school.intersecting({ bbox: args.bbox as unknown as [number, number, number, number], limit: 100_000 })
      .catch((err: unknown) => rethrowSpatial(lang, err));
    and.push({ id: { in: ids } });
  }
  return { AND: and };
}


/** A school with how far it is from a point. */
export const NearbySchool = builder.objectRef<{ distanceMeters: number; school: { id: string } }>('NearbySchool').implement({
  description: 'A school and its straight-line distance from the point asked about.',
  fields: (t) => ({
    distanceMeters: t.exposeFloat('distanceMeters', { description: 'Metres on the WGS84 spheroid, straight line.' }),
    walkingMinutes: t.int({
      description: 'Estimated walk: the straight line plus 30 % for streets, at 4.5 km/h. An estimate, not a route.',
      resolve: (n) => walkingMinutes(n.distanceMeters),
    }),
    school: t.field({ type: School, resolve: (n) => n.school as never }),
  }),
});

/** SQL filter (table alias t) for schools whose latest published result is Mức 2 or above. */
/** (A published correction, revision n + 1, replaces the result it corrects.) */
export const digitalSchoolSql = sql`coalesce((
  SELECT m.overall_level <> 'LEVEL_1' FROM maturity_assessment m WHERE m.school_id = t.id AND m.status = 'PUBLISHED'
  ORDER BY m.school_year DESC, m.revision DESC LIMIT 1), false)`;

/** How far "nearest" looks unless asked otherwise (issue 14: a home in Hanoi was told of schools 1,060 km away in HCMC). */
export const NEAREST_DEFAULT_M = 20_000;

/** The k nearest schools of a level (with filters), nearest first, as NearbySchool values. */
export async function nearestOf(
  point: [number, number],
  opts: { level: string; limit: number; maxDistanceMeters?: number; ownership?: string | null; digitalSchool?: boolean | null; publicOnly?: boolean },
) {
  const parts: Sql[] = [sql`${opts.level}::"SchoolLevel" = ANY(t.levels)`];
  if (opts.ownership) parts.push(sql`t.ownership = ${opts.ownership}::"Ownership"`);
  if (opts.publicOnly) parts.push(sql`t.ownership = 'PUBLIC'`);
  if (opts.digitalSchool === true) parts.push(digitalSchoolSql);
  if (opts.digitalSchool === false) parts.push(sql`NOT ${digitalSchoolSql}`);
  const where = parts.reduce((a, b) => sql`${a} AND ${b}`);
  const near = await spatial().school.nearest({ point, k: opts.limit, maxDistanceMeters: opts.maxDistanceMeters, where });
  const rows = await prisma().school.findMany({ where: { id: { in: near.map((n) => n.id) } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return near.filter((n) => byId.has(n.id)).map((n) => ({ distanceMeters: n.distanceMeters, school: byId.get(n.id)! }));
}

builder.queryField('nearestSchools', (t) =>
  t.field({
    type: [NearbySchool],
    complexity: (args) => ({ field: 5, multiplier: limitCost(args.limit, 5, 100) }),
    description:
      'The nearest schools of a level to a point, nearest first, each with `distanceMeters` (straight line, metres on the geography) ' +
      'and an estimated walking time. Filters: `ownership`, `digitalSchool` (latest published QĐ 4725 result at Mức 2 or above), ' +
      '`maxDistanceMeters` (default 20 km, at most 100 km: a place with no school that near gets an empty list, not schools of another city). ' +
      '`limit` is 1–100 (default 5). Synthetic schools are included: check `school.isSynthetic`.',
    args: {
      longitude: t.arg.float({ required: true }),
      latitude: t.arg.float({ required: true }),
      level: t.arg({ type: SchoolLevel, required: true }),
      limit: t.arg.int({ required: false, defaultValue: 5 }),
      maxDistanceMeters: t.arg.float({ required: false }),
      ownership: t.arg({ type: Ownership, required: false }),
      digitalSchool: t.arg.boolean({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const point = checkPoint(ctx.lang, args.longitude, args.latitude);
      const limit = checkLimit(ctx.lang, args.limit ?? 5, 100);
      const maxDistanceMeters = args.maxDistanceMeters == null ? NEAREST_DEFAULT_M : checkDistance(ctx.lang, args.maxDistanceMeters, 100_000);
      return nearestOf(point, { level: args.level, limit, maxDistanceMeters, ownership: args.ownership, digitalSchool: args.digitalSchool });
    },
  }),
);
