// What a school's profile needs beyond its record: its zones drawn on a map, a unit's extent,
// and "report a problem" (stored for staff to moderate).
import { createHash, randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { limiter, take } from '../shared-state.ts';
import { sql } from '@edugis/prisma-postgis';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { userError } from '../errors.ts';
import { checkPoint } from './geo-args.ts';

builder.scalarType('GeoJSON', {
  description: 'A GeoJSON geometry object (RFC 7946, WGS84 longitude/latitude). Output only.',
  serialize: (g) => g,
  parseValue: () => {
    throw new GraphQLError('GeoJSON is an output type: no field takes it as an argument.', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

builder.prismaObjectField('School', 'zones', (t) =>
  t.relation('zones', {
    description: 'The school\'s admission zones, by school year (newest first) and entry grade; `schoolYear` ("2025-2026") picks one year.',
    args: { schoolYear: t.arg.string({ required: false }) },
    query: (args) => ({
      where: args.schoolYear ? { schoolYear: args.schoolYear } : {},
      orderBy: [{ schoolYear: 'desc' }, { entryGrade: 'asc' }],
    }),
  }),
);

builder.prismaObjectField('EnrollmentZone', 'geometry', (t) =>
  t.loadable({
    type: 'GeoJSON',
    complexity: 5,
    nullable: true,
    description: 'The zone\'s area as GeoJSON, simplified to about 2 m for display.',
    load: async (ids: string[]) => {
      const rows = await prisma().$queryRaw<{ id: string; g: unknown }[]>(sql`
        SELECT id, ST_AsGeoJSON(ST_SimplifyPreserveTopology(area, 0.00002), 6)::json AS g FROM enrollment_zone WHERE id = ANY(${ids}::text[])`);
      const byId = new Map(rows.map((r) => [r.id, r.g]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    resolve: (zone) => zone.id,
  }),
);

builder.prismaObjectField('AdminUnit', 'bbox', (t) =>
  t.loadableList({
    type: 'Float',
    nullable: true,
    description: 'The unit\'s extent as [west, south, east, north] in WGS84 degrees (for zooming a map to it); null without a boundary.',
    // One query for all the units of a response (search results ask it of every ward they list).
    load: async (ids: string[]) => {
      const rows = await prisma().$queryRaw<{ id: string; w: number; s: number; e: number; n: number }[]>(sql`
        SELECT id, ST_XMin(boundary) w, ST_YMin(boundary) s, ST_XMax(boundary) e, ST_YMax(boundary) n
        FROM admin_unit WHERE id = ANY(${ids}::text[]) AND boundary IS NOT NULL`);
      const byId = new Map(rows.map((r) => [r.id, [r.w, r.s, r.e, r.n].map(Number)]));
      return ids.map((id) => byId.get(id) ?? null) as number[][];
    },
    resolve: (unit) => unit.id,
  }),
);

const ProblemKind = builder.enumType('ProblemKind', {
  values: {
    WRONG_LOCATION: { description: 'The school is not where the map shows it.' },
    WRONG_ZONE: { description: 'The admission zone shown is not the one the school or ward applies.' },
    OTHER: { description: 'Anything else wrong in the school\'s record.' },
  } as const,
});

const ProblemReportRef = builder.objectRef<{ id: string; status: string; createdAt: Date }>('ProblemReport').implement({
  description: 'A stored report, waiting for staff to moderate it. Reports are never shown publicly.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.exposeString('status', { description: 'NEW until staff accept or reject it.' }),
    createdAt: t.string({ resolve: (r) => r.createdAt.toISOString() }),
  }),
});

export const MAX_REPORT_LENGTH = 2000;
const REPORTS_PER_HOUR = 5;
// Keyed by address (kept at most an hour, in memory or Redis): shared by every server process.
const reportLimiter = limiter('problem-report', { points: REPORTS_PER_HOUR, duration: 3600 });
// Random per process: the hash can rate-limit an address but cannot be matched to it later or across restarts.
const hashSalt = randomUUID();

builder.mutationField('reportProblem', (t) =>
  t.field({
    complexity: 5,
    type: ProblemReportRef,
    description:
      `Reports that a school's location or zone is wrong. \`message\` 1–${MAX_REPORT_LENGTH} characters; for WRONG_LOCATION, ` +
      `\`longitude\`/\`latitude\` may give where the school really is. At most ${REPORTS_PER_HOUR} reports an hour from one address.`,
    args: {
      schoolId: t.arg.id({ required: true }),
      kind: t.arg({ type: ProblemKind, required: true }),
      message: t.arg.string({ required: true }),
      longitude: t.arg.float({ required: false }),
      latitude: t.arg.float({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const message = args.message.normalize('NFC').trim();
      if (!message) throw userError(ctx.lang, 'error.emptyReport');
      if (message.length > MAX_REPORT_LENGTH) throw userError(ctx.lang, 'error.reportTooLong', { max: MAX_REPORT_LENGTH });
      if ((args.longitude == null) !== (args.latitude == null)) throw userError(ctx.lang, 'error.invalidPoint');
      const point = args.longitude != null ? checkPoint(ctx.lang, args.longitude, args.latitude!) : null;
      const schoolId = String(args.schoolId);
      const school = schoolId.length <= 200 ? await prisma().school.findUnique({ where: { id: schoolId }, select: { id: true } }) : null;
      if (!school) throw userError(ctx.lang, 'error.unknownSchool', { id: schoolId.slice(0, 60) });
      const reporterHash = createHash('sha256').update(`${hashSalt}:${ctx.ip}`).digest('hex');
      if ((await take(reportLimiter, ctx.ip)) !== null) throw userError(ctx.lang, 'error.tooManyReports', { max: REPORTS_PER_HOUR }, 'RATE_LIMITED');
      const id = randomUUID();
      const [row] = await prisma().$queryRaw<{ id: string; status: string; created_at: Date }[]>(sql`
        INSERT INTO problem_report (id, school_id, kind, message, location, reporter_hash)
        VALUES (${id}, ${school.id}, ${args.kind}, ${message},
                ${point ? sql`ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326)` : sql`NULL`}, ${reporterHash})
        RETURNING id, status, created_at`);
      return { id: row!.id, status: row!.status, createdAt: new Date(row!.created_at) };
    },
  }),
);
