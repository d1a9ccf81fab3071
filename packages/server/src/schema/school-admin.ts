// Staff correct schools and moderate parents' problem reports, within their scope (ward staff: schools of their
// ward; province staff: of their province; admins: all). A correction names the version it changes (two people
// at once: the second is told STALE_VERSION) and a reason; the database recomputes the ward when the point moves
// and keeps the change in the school's history (migrations 0014, 0015).
import { join, sql, type Sql } from '@edugis/prisma-postgis';
import { coordinateIssue } from '@edugis/db';
import { GraphQLError } from 'graphql';
import { builder, type Context } from '../builder.ts';
import { prisma } from '../db.ts';
import { canSeeDrafts, schoolPlaces, type Viewer } from '../auth.ts';
import { authError, userError } from '../errors.ts';
import { translator } from '../i18n.ts';
import { writeTransaction, type Tx } from '../transactions.ts';
import { School, SchoolLevel, Ownership } from './school.ts';

const STAFF_ROLES = new Set(['WARD_STAFF', 'PROVINCE_STAFF', 'ADMIN']);
const MAX_REASON = 1000;

function staff(ctx: Context): Viewer {
  if (!ctx.viewer) throw authError(ctx.lang, ctx.sessionExpired, false);
  if (!STAFF_ROLES.has(ctx.viewer.role)) throw userError(ctx.lang, 'error.correctRole', {}, 'FORBIDDEN');
  return ctx.viewer;
}

/** May this viewer correct the school (ward, province or admin scope)? School staff may not: the office does it. */
async function inScope(v: Viewer, schoolId: string, client: Pick<Tx, '$queryRaw'> = prisma()): Promise<boolean> {
  const place = (await schoolPlaces([schoolId], client)).get(schoolId);
  return !!place && canSeeDrafts(v, place);
}

const SchoolCorrection = builder.inputType('SchoolCorrectionInput', {
  description: 'The fields to change; a field left out is kept, `null` clears it (name and levels cannot be cleared).',
  fields: (t) => ({
    name: t.string({ required: false }),
    officialCode: t.string({ required: false }),
    levels: t.field({ type: [SchoolLevel], required: false }),
    ownership: t.field({ type: Ownership, required: false }),
    address: t.string({ required: false }),
    longitude: t.float({ required: false, description: 'With latitude: the school\'s point (WGS 84). The ward follows it.' }),
    latitude: t.float({ required: false }),
    capacity: t.int({ required: false }),
    enrolment: t.int({ required: false }),
    phone: t.string({ required: false }),
    website: t.string({ required: false }),
  }),
});

type Changes = typeof SchoolCorrection.$inferInput;

/** The SET list of a correction, each value checked; a client mistake is a translated BAD_USER_INPUT. */
function assignments(lang: Context['lang'], c: Changes) {
  const bad = (field: string, detail: string): never => { throw userError(lang, 'error.schoolField', { field, detail }); };
  const sets: Sql[] = [];
  const text = (field: string, v: string | null | undefined, max: number, set: (t: string | null) => Sql, clearable = true) => {
    if (v === undefined) return;
    const t = v === null ? null : v.normalize('NFC').trim();
    if (!t && !clearable) bad(field, 'empty');
    if (t && t.length > max) bad(field, `> ${max}`);
    sets.push(set(t || null));
  };
  text('name', c.name, 200, (t) => sql`name = ${t}`, false);
  text('officialCode', c.officialCode, 40, (t) => sql`official_code = ${t}`);
  text('address', c.address, 300, (t) => sql`address = ${t}`);
  text('phone', c.phone, 40, (t) => sql`phone = ${t}`);
  if (c.levels !== undefined) {
    if (!c.levels?.length) bad('levels', 'empty');
    sets.push(sql`levels = ${[...new Set(c.levels)]}::"SchoolLevel"[]`);
  }
  if (c.ownership !== undefined) sets.push(sql`ownership = ${c.ownership ?? 'UNKNOWN'}::"Ownership"`);
  for (const [field, v] of [['capacity', c.capacity], ['enrolment', c.enrolment]] as const) {
    if (v === undefined) continue;
    if (v !== null && (v < 0 || v > 100_000)) bad(field, '0–100000');
    sets.push(field === 'capacity' ? sql`capacity = ${v}` : sql`enrolment = ${v}`);
  }
  if (c.website !== undefined) {
    let url: string | null = null;
    if (c.website) {
      try {
        const u = new URL(/^[a-z]+:\/\//i.test(c.website) ? c.website : `https://${c.website}`);
        if ((u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.') && u.href.length <= 300) url = u.href;
      } catch { /* reported below */ }
      if (!url) bad('website', 'http(s) URL');
    }
    sets.push(sql`website = ${url}`);
  }
  if (c.longitude !== undefined || c.latitude !== undefined) {
    if (c.longitude == null || c.latitude == null) bad('longitude/latitude', 'both');
    const issue = coordinateIssue(c.longitude!, c.latitude!);
    if (issue || !Number.isFinite(c.longitude!) || !Number.isFinite(c.latitude!)) throw userError(lang, `error.${issue ?? 'coordinatesRange'}`, { x: c.longitude, y: c.latitude });
    sets.push(sql`location = ST_SetSRID(ST_MakePoint(${c.longitude!}::float8, ${c.latitude!}::float8), 4326), location_confidence = 'SURVEYED'`);
  }
  if (!sets.length) bad('changes', 'none');
  return { sets, point: c.longitude != null ? [c.longitude, c.latitude!] as const : null };
}

builder.mutationField('correctSchool', (t) =>
  t.prismaField({
    type: 'School',
    complexity: 20,
    description: 'Ward staff (their ward\'s schools), province staff (their province\'s) or admins: corrects a school. `expectedVersion` is the ' +
      '`version` you edited (refused STALE_VERSION when someone changed it since); `reason` is kept in the school\'s history. With `reportId`, ' +
      'the parent\'s problem report that prompted it is marked accepted.',
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      changes: t.arg({ type: SchoolCorrection, required: true }),
      reason: t.arg.string({ required: true }),
      reportId: t.arg.id({ required: false }),
    },
    resolve: async (query, _r, args, ctx) => {
      const v = staff(ctx);
      const id = String(args.id).slice(0, 200);
      const reason = args.reason.normalize('NFC').trim();
      if (!reason || reason.length > MAX_REASON) throw userError(ctx.lang, 'error.correctReason', { max: MAX_REASON });
      const { sets, point } = assignments(ctx.lang, args.changes);
      await writeTransaction(async (tx) => {
        const [s] = await tx.$queryRaw<{ version: number; province: string | null }[]>(sql`
          SELECT s.version, w.parent_id AS province FROM school s LEFT JOIN admin_unit w ON w.id = s.ward_id WHERE s.id = ${id} FOR UPDATE OF s`);
        if (!s || !(await inScope(v, id, tx))) throw userError(ctx.lang, 'error.unknownSchool', { id: id.slice(0, 60) }, 'NOT_FOUND');
        if (s.version !== args.expectedVersion) {
          throw new GraphQLError(translator(ctx.lang)('error.schoolStale', { current: s.version, yours: args.expectedVersion }) as string,
          { extensions: { code: 'STALE_VERSION', currentVersion: s.version } });
        }
        if (point && s.province) {
          const [inside] = await tx.$queryRaw<{ ok: boolean | null }[]>(sql`
            SELECT ST_Intersects(p.boundary, pt) OR EXISTS (SELECT 1 FROM admin_unit w WHERE w.parent_id = p.id AND w.level = 'WARD'
                     AND w.valid_to IS NULL AND ST_Intersects(w.boundary, pt)) AS ok
            FROM admin_unit p, ST_SetSRID(ST_MakePoint(${point[0]}::float8, ${point[1]}::float8), 4326) AS pt WHERE p.id = ${s.province}`);
          if (inside?.ok === false) throw userError(ctx.lang, 'error.pointOutsideProvince', { x: point[0], y: point[1] });
        }
        await tx.$executeRaw(sql`SELECT set_config('edugis.actor', ${v.id}, true), set_config('edugis.reason', ${reason}, true), set_config('edugis.import', '', true)`);
        await tx.$executeRaw(sql`UPDATE school SET ${join(sets, ', ')} WHERE id = ${id}`);
        if (args.reportId) {
          await tx.$executeRaw(sql`
            UPDATE problem_report SET status = 'ACCEPTED', moderated_by = ${v.id}, moderated_at = CURRENT_TIMESTAMP, moderation_note = ${reason}
            WHERE id = ${String(args.reportId).slice(0, 80)} AND school_id = ${id} AND status = 'NEW'`);
        }
      });
      return prisma().school.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
);

// ---- history ----

interface ChangeRow { id: bigint; operation: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; actor: string | null; import_id: string | null; reason: string | null; changed_at: Date }
const HISTORY_FIELDS = ['official_code', 'name', 'levels', 'ownership', 'address', 'ward_id', 'lng', 'lat', 'capacity', 'enrolment', 'phone', 'website', 'is_synthetic', 'source_id'];

const SchoolChange = builder.objectRef<ChangeRow>('SchoolChange').implement({
  description: 'One change to a school: by an import, a correction or an edit in the database itself.',
  fields: (t) => ({
    operation: t.string({ description: 'INSERT, UPDATE or DELETE.', resolve: (c) => c.operation }),
    changedAt: t.string({ resolve: (c) => c.changed_at.toISOString() }),
    actorName: t.string({ nullable: true, description: 'Who (null: the database\'s owner, e.g. a command-line import or SQL).', resolve: (c) => c.actor }),
    importId: t.string({ nullable: true, resolve: (c) => c.import_id }),
    reason: t.string({ nullable: true, resolve: (c) => c.reason }),
    fields: t.stringList({
      description: 'The fields that changed.',
      resolve: (c) => HISTORY_FIELDS.filter((f) => JSON.stringify(c.before?.[f] ?? null) !== JSON.stringify(c.after?.[f] ?? null)),
    }),
    before: t.string({ nullable: true, description: 'The school before, as JSON.', resolve: (c) => (c.before ? JSON.stringify(c.before) : null) }),
    after: t.string({ nullable: true, description: 'The school after, as JSON.', resolve: (c) => (c.after ? JSON.stringify(c.after) : null) }),
  }),
});

builder.objectField(School, 'version', (t) => t.exposeInt('version', { description: 'Changes with every change; give it to correctSchool.' }));

builder.queryField('schoolHistory', (t) =>
  t.field({
    type: [SchoolChange],
    description: 'Staff in scope: the changes to a school, newest first (at most 100).',
    args: { id: t.arg.id({ required: true }), first: t.arg.int({ required: false, defaultValue: 50 }) },
    resolve: async (_r, args, ctx) => {
      const v = staff(ctx);
      const id = String(args.id).slice(0, 200);
      const first = args.first ?? 50;
      if (first < 1 || first > 100) throw userError(ctx.lang, 'error.pageSize', { max: 100 });
      if (!(await inScope(v, id))) throw userError(ctx.lang, 'error.unknownSchool', { id: id.slice(0, 60) }, 'NOT_FOUND');
      return prisma().$queryRaw<ChangeRow[]>(sql`
        SELECT c.id, c.operation, c.before, c.after, u.display_name AS actor, c.import_id, c.reason, c.changed_at
        FROM school_change c LEFT JOIN app_user u ON u.id = c.actor_id
        WHERE c.school_id = ${id} ORDER BY c.changed_at DESC, c.id DESC LIMIT ${first}`);
    },
  }),
);

// ---- problem reports ----

interface ReportRow {
  id: string; school_id: string; school_name: string; kind: string; message: string; status: string; created_at: Date;
  lng: number | null; lat: number | null; moderator: string | null; moderated_at: Date | null; moderation_note: string | null;
  school_lng: number | null; school_lat: number | null; distance: number | null; province_code: string | null;
}
const ReportStatus = builder.enumType('ProblemReportStatus', { values: ['NEW', 'ACCEPTED', 'REJECTED'] as const });

const ModeratedReport = builder.objectRef<ReportRow>('ModeratedProblemReport').implement({
  description: 'A parent\'s problem report as staff see it: what they said, where they put the school, and its moderation.',
  fields: (t) => ({
    id: t.exposeID('id'),
    schoolId: t.exposeString('school_id'),
    schoolName: t.exposeString('school_name'),
    provinceCode: t.string({ nullable: true, description: 'The province of the school\'s ward.', resolve: (r) => r.province_code }),
    kind: t.exposeString('kind'),
    message: t.exposeString('message'),
    status: t.field({ type: ReportStatus, resolve: (r) => r.status as 'NEW' }),
    createdAt: t.string({ resolve: (r) => r.created_at.toISOString() }),
    longitude: t.float({ nullable: true, description: 'Where the parent says the school is.', resolve: (r) => r.lng }),
    latitude: t.float({ nullable: true, resolve: (r) => r.lat }),
    schoolLongitude: t.float({ nullable: true, description: 'Where the school is stored now (to compare with the report\'s point).', resolve: (r) => r.school_lng }),
    schoolLatitude: t.float({ nullable: true, resolve: (r) => r.school_lat }),
    distanceMetres: t.int({
      nullable: true, description: 'Metres on the ground from where the school is stored to where the report puts it; null without both points.',
      resolve: (r) => (r.distance === null ? null : Math.round(r.distance)),
    }),
    moderatorName: t.string({ nullable: true, resolve: (r) => r.moderator }),
    moderatedAt: t.string({ nullable: true, resolve: (r) => r.moderated_at?.toISOString() ?? null }),
    moderationNote: t.string({ nullable: true, resolve: (r) => r.moderation_note }),
  }),
});

const REPORT_COLUMNS = sql`r.id, r.school_id, s.name AS school_name, r.kind, r.message, r.status, r.created_at,
  ST_X(r.location) AS lng, ST_Y(r.location) AS lat, u.display_name AS moderator, r.moderated_at, r.moderation_note,
  ST_X(s.location) AS school_lng, ST_Y(s.location) AS school_lat, ST_Distance(r.location::geography, s.location::geography) AS distance, w.province_code`;
const REPORT_FROM = sql`problem_report r JOIN school s ON s.id = r.school_id LEFT JOIN admin_unit w ON w.id = s.ward_id
  LEFT JOIN app_user u ON u.id = r.moderated_by`;
/** The reports a viewer moderates: of their ward, their province, or all (admins). */
const scopeOf = (v: Viewer) => (v.role === 'ADMIN' ? sql`true` : v.role === 'PROVINCE_STAFF' ? sql`w.parent_id = ${v.unitId}` : sql`w.id = ${v.unitId}`);

builder.queryField('problemReports', (t) =>
  t.field({
    type: [ModeratedReport],
    description: 'Staff: the problem reports of schools in their scope, of one status (default NEW), oldest first (at most 200).',
    args: { status: t.arg({ type: ReportStatus, required: false, defaultValue: 'NEW' }), first: t.arg.int({ required: false, defaultValue: 50 }) },
    resolve: async (_r, args, ctx) => {
      const v = staff(ctx);
      const first = args.first ?? 50;
      if (first < 1 || first > 200) throw userError(ctx.lang, 'error.pageSize', { max: 200 });
      return prisma().$queryRaw<ReportRow[]>(sql`
        SELECT ${REPORT_COLUMNS} FROM ${REPORT_FROM} WHERE r.status = ${args.status ?? 'NEW'} AND ${scopeOf(v)}
        ORDER BY r.created_at, r.id LIMIT ${first}`);
    },
  }),
);

builder.mutationField('moderateProblemReport', (t) =>
  t.field({
    type: ModeratedReport,
    complexity: 10,
    description: 'Staff in scope: accepts or rejects a NEW report (a rejection needs a note, shown to other staff). Two moderators at once: ' +
      'the second is told REPORT_MODERATED. To fix the school as the report proposes, use correctSchool with reportId.',
    args: {
      id: t.arg.id({ required: true }),
      decision: t.arg({ type: ReportStatus, required: true }),
      note: t.arg.string({ required: false }),
    },
    resolve: async (_r, args, ctx) => {
      const v = staff(ctx);
      const id = String(args.id).slice(0, 80);
      const note = args.note?.normalize('NFC').trim() || null;
      if (args.decision === 'NEW') throw userError(ctx.lang, 'error.reportDecision');
      if (args.decision === 'REJECTED' && !note) throw userError(ctx.lang, 'error.reportRejectReason');
      if (note && note.length > 2000) throw userError(ctx.lang, 'error.correctReason', { max: 2000 });
      const [found] = await prisma().$queryRaw<ReportRow[]>(sql`SELECT ${REPORT_COLUMNS} FROM ${REPORT_FROM} WHERE r.id = ${id} AND ${scopeOf(v)}`);
      if (!found) throw userError(ctx.lang, 'error.reportNotFound', { id: id.slice(0, 40) }, 'NOT_FOUND');
      const changed = await writeTransaction((tx) => tx.$executeRaw(sql`
        UPDATE problem_report SET status = ${args.decision}, moderated_by = ${v.id}, moderated_at = CURRENT_TIMESTAMP, moderation_note = ${note}
        WHERE id = ${id} AND status = 'NEW'`));
      const [now] = await prisma().$queryRaw<ReportRow[]>(sql`SELECT ${REPORT_COLUMNS} FROM ${REPORT_FROM} WHERE r.id = ${id}`);
      if (changed === 0) {
        const tr = translator(ctx.lang);
        throw new GraphQLError(tr('error.reportModerated', { who: now!.moderator ?? tr('error.someoneElse'), decision: tr(`error.decision${now!.status}`) }) as string,
        { extensions: { code: 'REPORT_MODERATED', status: now!.status } });
      }
      return now!;
    },
  }),
);
