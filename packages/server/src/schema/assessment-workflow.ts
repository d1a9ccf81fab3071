// The yearly QĐ 4725 workflow over GraphQL: a school's assessments and their history, the audit log, one
// mutation per step (each returns the assessment in its new state or a typed WorkflowError), corrections of
// published results, and an authority's review queue. The rules (which step, who, scores) come from
// @edugis/maturity; this module applies a step in one transaction with a row lock and writes the audit entry.
import type { MaturityAssessment, Prisma } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import {
  allowedActions, decide, deadlinesFor, indexVersion, isLate, parseSchoolYear, schoolYearAt, score, validateAnswers,
  type Action, type Actor, type Answers, type IndexVersion, type ScoreResult, type Status,
} from '@edugis/maturity';
import { pageCost } from '../cost.ts';
import { builder, MAX_PAGE_SIZE, type Context } from '../builder.ts';
import { canSeeDrafts, schoolPlaces, type SchoolPlace } from '../auth.ts';
import { prisma } from '../db.ts';
import { BusyError, writeTransaction, type Tx } from '../transactions.ts';
import { authError, userError, WorkflowError, type WorkflowErrorCode } from '../errors.ts';
import { translator } from '../i18n.ts';
import { Account, RoleEnum } from './account.ts';
import { MaturityLevel } from './school.ts';
import { AnswersInput, answersFromInput, MandatoryAnswer, PointAnswer, ScoreResultRef } from './assessment.ts';

const STATUSES = ['DRAFT', 'SELF_ASSESSED', 'APPROVED', 'SUBMITTED', 'UNDER_REVIEW', 'RETURNED', 'EVALUATED', 'PUBLISHED'] as const;
const ACTIONS = ['saveSelfAssessment', 'approve', 'submit', 'startReview', 'return', 'evaluate', 'publish'] as const;
const LEVELS = ['LEVEL_1', 'LEVEL_2', 'LEVEL_3'] as const;
/** Where results entered through EduGIS come from (a data_source row, created on first use). */
const WORKFLOW_SOURCE = {
  id: 'edugis-workflow', title: 'Entered in EduGIS by schools and their managing authorities',
  licence: 'ODbL-1.0', attribution: 'EduGIS users',
};
const MAX_EVIDENCE = 300;
const MAX_TEXT = 2000;

const StatusEnum = builder.enumType('AssessmentStatus', {
  description: 'DRAFT → SELF_ASSESSED → APPROVED (by the principal) → SUBMITTED → UNDER_REVIEW → RETURNED (back to the school) or EVALUATED → PUBLISHED.',
  values: STATUSES,
});
const ActionEnum = builder.enumType('AssessmentAction', { values: ACTIONS });
const EvidenceKind = builder.enumType('EvidenceKind', {
  description: 'LINK (an http(s) address), FILE (a reference to a file kept by the school, e.g. "Hồ sơ CĐS/2026/KH-01.pdf") or NOTE (a short text).',
  values: ['LINK', 'FILE', 'NOTE'] as const,
});

interface StoredAnswers { points: Record<string, number>; mandatory: Record<string, boolean> }
interface Evidence { criterionCode: string; kind: 'LINK' | 'FILE' | 'NOTE'; value: string }
interface Change { code: string; before: unknown; after: unknown; reason?: string }

const asAnswers = (row: MaturityAssessment, which: 'answers' | 'evaluatedAnswers'): Answers | null => {
  const a = row[which] as StoredAnswers | null;
  return a ? { indexVersion: row.indexVersion, points: a.points ?? {}, mandatory: a.mandatory ?? {} } : null;
};
const scoreOf = (row: MaturityAssessment, which: 'answers' | 'evaluatedAnswers'): ScoreResult | null => {
  const a = asAnswers(row, which);
  const ix = indexVersion(row.indexVersion);
  return a && ix ? score(ix, a) : null;
};
function resultColumns(r: ScoreResult) {
  const [g1, g2] = r.groups as [ScoreResult['groups'][number], ScoreResult['groups'][number]];
  return {
    group1Score: g1.score, group2Score: g2.score, group1Level: LEVELS[g1.level - 1]!, group2Level: LEVELS[g2.level - 1]!,
    overallLevel: LEVELS[r.overallLevel - 1]!,
  };
}

export const placeOf = (ctx: Context, schoolId: string): Promise<SchoolPlace | undefined> => ctx.places.load(schoolId);
async function draftsVisible(ctx: Context, schoolId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  const place = await placeOf(ctx, schoolId);
  return !!place && canSeeDrafts(ctx.viewer, place);
}
const actorOf = (ctx: Context): Actor => ({ role: ctx.viewer!.role, schoolId: ctx.viewer!.schoolId, managedUnitIds: ctx.viewer!.unitId ? [ctx.viewer!.unitId] : [] });

/** Deadlines of a school year for a province: a province's own row, else the all-provinces row, else QĐ 4725's. */
async function deadlines(db: Prisma.TransactionClient | ReturnType<typeof prisma>, schoolYear: string, provinceId: string | null) {
  const code = provinceId?.split('@')[0] ?? '*';
  const rows = await db.assessmentDeadline.findMany({ where: { schoolYear, provinceCode: { in: [code, '*'] } } });
  const row = rows.find((r) => r.provinceCode === code) ?? rows.find((r) => r.provinceCode === '*');
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return deadlinesFor(schoolYear, row ? { submit: day(row.submitBy), publish: day(row.publishBy) } : {});
}

// ---- reading -------------------------------------------------------------------------------------------

const AnswersRef = builder.objectRef<Answers>('MaturityAnswers').implement({
  description: 'Points per scored item (or criterion without items) and met / not met per mandatory condition.',
  fields: (t) => ({
    indexVersion: t.exposeString('indexVersion'),
    points: t.field({
      type: [builder.objectRef<{ code: string; points: number }>('MaturityPointValue').implement({ fields: (f) => ({ code: f.exposeString('code'), points: f.exposeFloat('points') }) })],
      resolve: (a) => Object.entries(a.points).map(([code, points]) => ({ code, points: points as number })),
    }),
    mandatory: t.field({
      type: [builder.objectRef<{ code: string; met: boolean }>('MaturityMandatoryValue').implement({ fields: (f) => ({ code: f.exposeString('code'), met: f.exposeBoolean('met') }) })],
      resolve: (a) => Object.entries(a.mandatory).map(([code, met]) => ({ code, met: met as boolean })),
    }),
  }),
});
const EvidenceRef = builder.objectRef<Evidence>('MaturityEvidence').implement({
  fields: (t) => ({ criterionCode: t.exposeString('criterionCode'), kind: t.expose('kind', { type: EvidenceKind }), value: t.exposeString('value') }),
});
const ChangeRef = builder.objectRef<Change>('AuditChange').implement({
  description: 'One value changed by a step: a score, a mandatory condition or the evidence of a criterion, as JSON text before and after.',
  fields: (t) => ({
    code: t.exposeString('code'),
    before: t.string({ nullable: true, resolve: (c) => (c.before === undefined || c.before === null ? null : JSON.stringify(c.before)) }),
    after: t.string({ nullable: true, resolve: (c) => (c.after === undefined || c.after === null ? null : JSON.stringify(c.after)) }),
    reason: t.string({ nullable: true, resolve: (c) => c.reason ?? null }),
  }),
});
const AuditEntry = builder.prismaObject('AssessmentAudit', {
  description: 'An entry of the append-only audit log: who did what, when, and the values before and after.',
  fields: (t) => ({
    id: t.id({ resolve: (a) => String(a.id) }),
    at: t.string({ description: 'ISO 8601 time.', resolve: (a) => a.at.toISOString() }),
    actorName: t.string({ select: { actor: { select: { displayName: true } } }, resolve: (a) => a.actor.displayName }),
    actorRole: t.field({ type: RoleEnum, resolve: (a) => a.actorRole as never }),
    action: t.exposeString('action'),
    fromStatus: t.field({ type: StatusEnum, nullable: true, resolve: (a) => a.fromStatus as never }),
    toStatus: t.field({ type: StatusEnum, resolve: (a) => a.toStatus as never }),
    version: t.exposeInt('version', { description: 'The assessment\'s version after this step.' }),
    changes: t.field({ type: [ChangeRef], resolve: (a) => a.changes as unknown as Change[] }),
    comment: t.exposeString('comment', { nullable: true }),
  }),
});
const Deadlines = builder.objectRef<{ submit: string; publish: string }>('AssessmentDeadlines').implement({
  fields: (t) => ({ submitBy: t.exposeString('submit', { description: 'YYYY-MM-DD, end of day in Vietnam.' }), publishBy: t.exposeString('publish') }),
});

builder.prismaObjectFields('MaturityAssessment', (t) => ({
  school: t.relation('school'),
  status: t.field({ type: StatusEnum, resolve: (a) => a.status as never }),
  revision: t.exposeInt('revision', { description: '0 for the original result; n + 1 for a correction of revision n.' }),
  version: t.exposeInt('version', { description: 'Rises with every step. Send it back as expectedVersion: a step on an older version is refused (STALE_VERSION).' }),
  corrects: t.relation('corrects', { nullable: true, description: 'The published result this one corrects.' }),
  correctionReason: t.exposeString('correctionReason', { nullable: true }),
  submittedAt: t.string({ nullable: true, resolve: (a) => a.submittedAt?.toISOString() ?? null }),
  submittedLate: t.exposeBoolean('submittedLate', { description: 'Submitted after the deadline: accepted and flagged.' }),
  publishedAt: t.string({ nullable: true, resolve: (a) => a.publishedAt?.toISOString() ?? null }),
  managingUnit: t.relation('managingUnit', { nullable: true, description: 'The authority it was submitted to.' }),
  deadlines: t.field({
    type: Deadlines,
    resolve: async (a, _args, ctx) => {
      const province = (await placeOf(ctx, a.schoolId))?.provinceId ?? null;
      const key = `deadlines:${a.schoolYear}:${province}`;
      if (!ctx.memo.has(key)) ctx.memo.set(key, deadlines(prisma(), a.schoolYear, province));
      return ctx.memo.get(key) as ReturnType<typeof deadlines>;
    },
  }),
  answers: t.field({
    type: AnswersRef, nullable: true,
    description: 'The school\'s self-assessment (null for results loaded without answers, or when you may not see it).',
    resolve: async (a, _args, ctx) => (a.status === 'PUBLISHED' || (await draftsVisible(ctx, a.schoolId)) ? asAnswers(a, 'answers') : null),
  }),
  selfScore: t.field({
    type: ScoreResultRef, nullable: true, description: 'The score of the self-assessment, with the path to the next level.',
    resolve: async (a, _args, ctx) => (a.status === 'PUBLISHED' || (await draftsVisible(ctx, a.schoolId)) ? scoreOf(a, 'answers') : null),
  }),
  evaluatedAnswers: t.field({
    type: AnswersRef, nullable: true, description: 'The managing authority\'s scores after external evaluation.',
    resolve: async (a, _args, ctx) => (a.status === 'PUBLISHED' || (await draftsVisible(ctx, a.schoolId)) ? asAnswers(a, 'evaluatedAnswers') : null),
  }),
  evaluatedScore: t.field({
    type: ScoreResultRef, nullable: true,
    resolve: async (a, _args, ctx) => (a.status === 'PUBLISHED' || (await draftsVisible(ctx, a.schoolId)) ? scoreOf(a, 'evaluatedAnswers') : null),
  }),
  evidence: t.field({
    type: [EvidenceRef], nullable: true, description: 'Evidence per criterion; staff in scope only.',
    resolve: async (a, _args, ctx) => ((await draftsVisible(ctx, a.schoolId)) ? ((a.evidence as Evidence[] | null) ?? []) : null),
  }),
  returnComment: t.string({
    nullable: true, description: 'What the authority asked for when it last returned the assessment; staff in scope only.',
    resolve: async (a, _args, ctx) => ((await draftsVisible(ctx, a.schoolId)) ? a.returnComment : null),
  }),
  auditLog: t.field({
    type: [AuditEntry], nullable: true, description: 'Every step and change, oldest first; staff in scope only.',
    // Loaded with the assessment (one query for a whole page), shown only to staff in scope.
    select: { audit: { orderBy: { id: 'asc' }, include: { actor: { select: { displayName: true } } } } },
    resolve: async (a, _args, ctx) => ((await draftsVisible(ctx, a.schoolId)) ? a.audit : null),
  }),
  allowedActions: t.field({
    type: [ActionEnum], description: 'The steps you may take on it now (empty when anonymous).',
    resolve: async (a, _args, ctx) => {
      if (!ctx.viewer) return [];
      const place = await placeOf(ctx, a.schoolId);
      return allowedActions(a.status as Status, actorOf(ctx), { schoolId: a.schoolId, managingUnitId: place?.managingUnitId ?? '' });
    },
  }),
}));

builder.prismaObjectField('School', 'assessments', (t) =>
  t.prismaField({
    type: ['MaturityAssessment'],
    description: 'QĐ 4725 results of every school year and revision, newest first: published ones for everyone; results in progress too for the school\'s staff and the staff over it.',
    args: { schoolYear: t.arg.string({ required: false }) },
    resolve: async (query, school, args, ctx) => {
      const drafts = await draftsVisible(ctx, school.id);
      return prisma().maturityAssessment.findMany({
        ...query,
        where: { schoolId: school.id, ...(args.schoolYear ? { schoolYear: args.schoolYear } : {}), ...(drafts ? {} : { status: 'PUBLISHED' }) },
        orderBy: [{ schoolYear: 'desc' }, { revision: 'desc' }],
      });
    },
  }),
);

builder.queryFields((t) => ({
  assessment: t.prismaField({
    type: 'MaturityAssessment',
    nullable: true,
    description: 'One assessment; null when it does not exist or you may not see it (results in progress are not public).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const a = await prisma().maturityAssessment.findUnique({ ...query, where: { id: String(id) } });
      if (!a) return null;
      return a.status === 'PUBLISHED' || (await draftsVisible(ctx, a.schoolId)) ? a : null;
    },
  }),
  currentSchoolYear: t.string({ description: 'The school year of today in Vietnam (August to July), e.g. "2026-2027".', resolve: () => schoolYearAt(new Date()) }),
  reviewQueue: t.prismaConnection({
    type: 'MaturityAssessment',
    cursor: 'id',
    complexity: (args) => ({ field: 5, multiplier: pageCost(args) }),
    description: `The assessments submitted to your unit (ward/province staff; admins see all), oldest submission first, at most ${MAX_PAGE_SIZE} a page. ` +
      'Filters: schoolYear, status (default: everything submitted and not yet published), wardCode (the school\'s ward), level (overall result) and late.',
    args: {
      schoolYear: t.arg.string({ required: false }),
      status: t.arg({ type: StatusEnum, required: false }),
      wardCode: t.arg.string({ required: false }),
      level: t.arg({ type: MaturityLevel, required: false }),
      late: t.arg.boolean({ required: false }),
    },
    totalCount: async (_r, args, ctx) => prisma().maturityAssessment.count({ where: queueWhere(ctx, args as QueueArgs) }),
    resolve: async (query, _root, args, ctx) =>
      prisma().maturityAssessment.findMany({ ...query, where: queueWhere(ctx, args as QueueArgs), orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }] }),
  }),
}));

interface QueueArgs { schoolYear?: string | null; status?: string | null; wardCode?: string | null; level?: string | null; late?: boolean | null }
function queueWhere(ctx: Context, args: QueueArgs): Prisma.MaturityAssessmentWhereInput {
  const v = ctx.viewer;
  if (!v || !['WARD_STAFF', 'PROVINCE_STAFF', 'ADMIN'].includes(v.role)) {
    if (v) throw userError(ctx.lang, 'error.notStaff', {}, 'FORBIDDEN');
    throw authError(ctx.lang, ctx.sessionExpired, false);
  }
  if (args.wardCode != null && !/^(\d{5}|SYN\d{2})$/.test(args.wardCode)) throw userError(ctx.lang, 'error.invalidWardCode', { code: args.wardCode.slice(0, 20) });
  if (args.schoolYear != null && !parseSchoolYear(args.schoolYear)) throw userError(ctx.lang, 'error.invalidSchoolYear', { year: args.schoolYear.slice(0, 20) });
  return {
    ...(v.role === 'ADMIN' ? {} : { managingUnitId: v.unitId ?? '' }),
    status: args.status ? args.status : { in: ['SUBMITTED', 'UNDER_REVIEW', 'RETURNED', 'EVALUATED'] },
    ...(args.schoolYear ? { schoolYear: args.schoolYear } : {}),
    ...(args.wardCode ? { school: { ward: { code: args.wardCode } } } : {}),
    ...(args.level ? { overallLevel: args.level as never } : {}),
    ...(args.late != null ? { submittedLate: args.late } : {}),
  };
}

// ---- steps ---------------------------------------------------------------------------------------------

builder.objectType(WorkflowError, {
  name: 'WorkflowError',
  description: 'A refused step, with a stable code and a translated message. Nothing was saved. Codes: NOT_SIGNED_IN, NOT_FOUND, ' +
    'PUBLISHED_IS_FINAL, OUT_OF_ORDER, WRONG_ROLE, OUT_OF_SCOPE, COMMENT_REQUIRED, REASON_REQUIRED, STALE_VERSION, INVALID_ANSWERS ' +
    '(see answerErrors), INVALID_EVIDENCE, NO_MANAGING_UNIT, ALREADY_CORRECTED, INVALID_SCHOOL_YEAR, TEXT_TOO_LONG, BUSY (the server could not ' +
    'run the step now, e.g. hundreds of schools saving at the same second: try again in a moment).',
  fields: (t) => ({
    code: t.exposeString('code'),
    message: t.exposeString('message'),
    answerErrors: t.field({
      type: [builder.objectRef<{ code: string; target: string; message: string }>('AnswerError').implement({
        fields: (f) => ({ code: f.exposeString('code'), target: f.exposeString('target'), message: f.exposeString('message') }),
      })],
      resolve: (e) => e.answerErrors,
    }),
  }),
});

const fail = (ctx: Context, code: WorkflowErrorCode, key: string, vars: Record<string, unknown> = {}) =>
  new WorkflowError(code, translator(ctx.lang)(key, vars) as string);
const refusal = (ctx: Context, r: { code: WorkflowErrorCode; message: { vi: string; en: string } }) => new WorkflowError(r.code, r.message[ctx.lang]);
function requireViewer(ctx: Context) {
  if (!ctx.viewer) throw fail(ctx, 'NOT_SIGNED_IN', ctx.sessionExpired === 'password' ? 'error.passwordChangeRequired' : ctx.sessionExpired ? 'error.sessionExpired' : 'error.notSignedIn');
  return ctx.viewer;
}
function checkText(ctx: Context, text: string | null | undefined) {
  if (text && text.length > MAX_TEXT) throw fail(ctx, 'TEXT_TOO_LONG', 'error.textTooLong', { max: MAX_TEXT });
}

function checkAnswers(ctx: Context, index: IndexVersion, answers: Answers) {
  const errors = validateAnswers(index, answers);
  if (errors.length) {
    throw new WorkflowError('INVALID_ANSWERS', errors.map((e) => e.message[ctx.lang]).join(' '),
      errors.map((e) => ({ code: e.code, target: e.target, message: e.message[ctx.lang] })));
  }
}

function checkEvidence(ctx: Context, index: IndexVersion, evidence: Evidence[]): Evidence[] {
  const tr = translator(ctx.lang);
  if (evidence.length > MAX_EVIDENCE) throw fail(ctx, 'INVALID_EVIDENCE', 'error.tooMuchEvidence', { max: MAX_EVIDENCE });
  const criteria = new Set(index.groups.flatMap((g) => g.criteria.map((c) => c.code)));
  return evidence.map((e) => {
    const value = e.value.trim();
    const bad = (why: string) => fail(ctx, 'INVALID_EVIDENCE', 'error.invalidEvidence', { code: e.criterionCode.slice(0, 20), why });
    if (!criteria.has(e.criterionCode)) throw bad(tr('error.evidenceUnknownCriterion', { code: e.criterionCode.slice(0, 20) }) as string);
    if (!value) throw bad(tr('error.evidenceEmpty') as string);
    if (value.length > MAX_TEXT) throw bad(tr('error.evidenceTooLong', { max: MAX_TEXT }) as string);
    if (e.kind === 'LINK') {
      let ok = false;
      try { ok = ['http:', 'https:'].includes(new URL(value).protocol); } catch { ok = false; }
      if (!ok) throw bad(tr('error.evidenceLink') as string);
    }
    return { criterionCode: e.criterionCode, kind: e.kind, value };
  });
}

/** Every score, condition and evidence value that differs between two states, for the audit log. */
function diff(before: Answers | null, after: Answers, evBefore: Evidence[] | null, evAfter: Evidence[] | null): Change[] {
  const out: Change[] = [];
  const cmp = (kind: 'points' | 'mandatory') => {
    const b = before?.[kind] ?? {};
    const a = after[kind];
    for (const code of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      if (b[code] !== a[code]) out.push({ code, before: b[code] ?? null, after: a[code] ?? null });
    }
  };
  cmp('points');
  cmp('mandatory');
  if (evAfter) {
    const group = (ev: Evidence[] | null) => {
      const m = new Map<string, string[]>();
      for (const e of ev ?? []) m.set(e.criterionCode, [...(m.get(e.criterionCode) ?? []), `${e.kind}: ${e.value}`]);
      return m;
    };
    const [b, a] = [group(evBefore), group(evAfter)];
    for (const code of [...new Set([...b.keys(), ...a.keys()])].sort()) {
      const [x, y] = [b.get(code) ?? [], a.get(code) ?? []];
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ code: `evidence ${code}`, before: x.length ? x : null, after: y.length ? y : null });
    }
  }
  return out;
}

interface StepOutcome { data: Prisma.MaturityAssessmentUncheckedUpdateInput; changes?: Change[]; comment?: string | null }

/** A step the server could not run now (busy, timed out): a typed refusal, nothing written. */
async function step<T>(ctx: Context, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await writeTransaction(fn);
  } catch (err) {
    if (err instanceof BusyError) throw fail(ctx, 'BUSY', 'error.busy');
    throw err;
  }
}

/**
 * Applies one step in one transaction, every statement on it: lock the row, refuse what the viewer may not see
 * as not found (an outsider learns neither the version nor the status of an unpublished result), then a wrong
 * role or scope, a published result, a stale version or an out-of-order step (in that order, so a stale screen
 * is told it is stale), apply, audit.
 */
async function applyStep(
  ctx: Context, id: string, expectedVersion: number, action: Action,
  details: Parameters<typeof decide>[4] | ((row: MaturityAssessment) => Parameters<typeof decide>[4]),
  apply: (row: MaturityAssessment, tx: Tx, place: SchoolPlace) => Promise<StepOutcome>,
): Promise<MaturityAssessment> {
  const viewer = requireViewer(ctx);
  return step(ctx, async (tx) => {
    await tx.$queryRaw(sql`SELECT 1 FROM maturity_assessment WHERE id = ${id} FOR UPDATE`); // the one lock of a step
    const row = await tx.maturityAssessment.findUnique({ where: { id } });
    if (!row) throw fail(ctx, 'NOT_FOUND', 'error.assessmentNotFound');
    const place = (await schoolPlaces([row.schoolId], tx)).get(row.schoolId)!;
    if (row.status !== 'PUBLISHED' && !canSeeDrafts(viewer, place)) throw fail(ctx, 'NOT_FOUND', 'error.assessmentNotFound');
    const d = decide(row.status as Status, action, actorOf(ctx), { schoolId: row.schoolId, managingUnitId: place.managingUnitId ?? '' },
      typeof details === 'function' ? details(row) : details);
    if (!d.ok && ['WRONG_ROLE', 'OUT_OF_SCOPE', 'PUBLISHED_IS_FINAL'].includes(d.refusal.code)) throw refusal(ctx, d.refusal);
    if (row.version !== expectedVersion) throw fail(ctx, 'STALE_VERSION', 'error.staleVersion', { current: row.version, yours: expectedVersion });
    if (!d.ok) throw refusal(ctx, d.refusal);
    const out = await apply(row, tx, place);
    const updated = await tx.maturityAssessment.update({
      where: { id },
      data: { ...out.data, status: d.to, version: row.version + 1, updatedAt: new Date() },
    });
    await tx.assessmentAudit.create({
      data: {
        assessmentId: id, actorId: viewer.id, actorRole: viewer.role, action, fromStatus: row.status, toStatus: d.to,
        version: updated.version, changes: (out.changes ?? []) as never, comment: out.comment ?? null,
      },
    });
    return updated;
  });
}

const EvidenceInput = builder.inputType('MaturityEvidenceInput', {
  fields: (t) => ({
    criterionCode: t.string({ required: true }),
    kind: t.field({ type: EvidenceKind, required: true }),
    value: t.string({ required: true, description: `At most ${MAX_TEXT} characters; a LINK must be http(s).` }),
  }),
});
const ReasonInput = builder.inputType('ScoreChangeReasonInput', {
  description: 'Why the reviewer changed the score of one item or condition.',
  fields: (t) => ({ code: t.string({ required: true }), reason: t.string({ required: true }) }),
});

const errors = { types: [WorkflowError] };
const version = (t: { arg: { int: (o: { required: true; description: string }) => never } }) =>
  t.arg.int({ required: true, description: 'The version you are acting on (MaturityAssessment.version).' });

builder.mutationFields((t) => ({
  saveSelfAssessment: t.prismaField({
    type: 'MaturityAssessment',
    errors,
    description: 'School staff or the principal save the school\'s self-assessment for a school year (creating it on the first save; ' +
      'also after the authority returned it). Scores are checked against the index; the stored result is scored by the same rules.',
    args: {
      schoolId: t.arg.id({ required: true }),
      schoolYear: t.arg.string({ required: true }),
      expectedVersion: t.arg.int({ required: false, description: 'Null only for the first save of the school year.' }),
      answers: t.arg({ type: AnswersInput, required: true }),
      evidence: t.arg({ type: [EvidenceInput], required: false }),
    },
    resolve: async (_query, _root, args, ctx) => {
      const viewer = requireViewer(ctx);
      const schoolId = String(args.schoolId);
      const years = parseSchoolYear(args.schoolYear);
      if (!years || args.schoolYear > schoolYearAt(new Date()) || years[0] < 2022) {
        throw fail(ctx, 'INVALID_SCHOOL_YEAR', 'error.invalidSchoolYear', { year: args.schoolYear.slice(0, 20) });
      }
      if (args.answers.points.length > 500 || args.answers.mandatory.length > 100) throw fail(ctx, 'INVALID_ANSWERS', 'error.tooManyAnswers');
      const answers = answersFromInput(args.answers);
      const index = indexVersion(answers.indexVersion) ?? indexVersion()!;
      checkAnswers(ctx, index, answers);
      const evidence = args.evidence ? checkEvidence(ctx, index, args.evidence as Evidence[]) : null;
      const result = score(index, answers);
      const stored: StoredAnswers = { points: answers.points as Record<string, number>, mandatory: answers.mandatory as Record<string, boolean> };

      const place = await placeOf(ctx, schoolId);
      if (!place) throw fail(ctx, 'NOT_FOUND', 'error.unknownSchool', { id: schoolId.slice(0, 60) });
      // Who may save for this school is decided before its assessment is read: an outsider is refused for who
      // they are, and learns nothing of the school's result in progress (its version or status).
      const d = decide('DRAFT', 'saveSelfAssessment', actorOf(ctx), { schoolId, managingUnitId: place.managingUnitId ?? '' });
      if (!d.ok && !canSeeDrafts(viewer, place)) throw refusal(ctx, d.refusal);
      const existing = await prisma().maturityAssessment.findFirst({ where: { schoolId, schoolYear: args.schoolYear }, orderBy: { revision: 'desc' } });
      if (existing) {
        if (args.expectedVersion == null && existing.status !== 'PUBLISHED') {
          if (!d.ok && ['WRONG_ROLE', 'OUT_OF_SCOPE'].includes(d.refusal.code)) throw refusal(ctx, d.refusal);
          throw fail(ctx, 'STALE_VERSION', 'error.versionRequired', { current: existing.version });
        }
        return applyStep(ctx, existing.id, args.expectedVersion ?? existing.version, 'saveSelfAssessment', {}, async (row) => ({
          data: { answers: stored as never, ...(evidence ? { evidence: evidence as never } : {}), indexVersion: index.version, ...resultColumns(result) },
          changes: diff(asAnswers(row, 'answers'), answers, row.evidence as Evidence[] | null, evidence),
        }));
      }
      // The first save of the year: the assessment is born a DRAFT and saved at once.
      if (!d.ok) throw refusal(ctx, d.refusal);
      const id = `ma-${schoolId}-${args.schoolYear}`;
      try {
        return await step(ctx, async (tx) => {
          // Not an upsert: Prisma's find-then-create races when many schools make their first save at once.
          await tx.$executeRaw(sql`INSERT INTO data_source (id, title, licence, attribution, is_synthetic)
            VALUES (${WORKFLOW_SOURCE.id}, ${WORKFLOW_SOURCE.title}, ${WORKFLOW_SOURCE.licence}, ${WORKFLOW_SOURCE.attribution}, false)
            ON CONFLICT (id) DO NOTHING`);
          const created = await tx.maturityAssessment.create({
            data: {
              id, schoolId, schoolYear: args.schoolYear, indexVersion: index.version, status: d.to, version: 1,
              answers: stored as never, evidence: (evidence ?? []) as never, ...resultColumns(result), isSynthetic: false, sourceId: WORKFLOW_SOURCE.id,
            },
          });
          await tx.assessmentAudit.create({
            data: {
              assessmentId: id, actorId: viewer.id, actorRole: viewer.role, action: 'saveSelfAssessment', fromStatus: 'DRAFT', toStatus: d.to,
              version: 1, changes: diff(null, answers, null, evidence ?? []) as never,
            },
          });
          return created;
        });
      } catch (err) {
        // Two first saves at once: the second finds the row the first created.
        if ((err as { code?: string }).code === 'P2002') throw fail(ctx, 'STALE_VERSION', 'error.versionRequired', { current: 1 });
        throw err;
      }
    },
  }),

  approveAssessment: t.prismaField({
    type: 'MaturityAssessment', errors, description: 'The principal approves the self-assessment (phê duyệt).',
    args: { id: t.arg.id({ required: true }), expectedVersion: version(t as never) },
    resolve: (_q, _r, args, ctx) => applyStep(ctx, String(args.id), args.expectedVersion, 'approve', {}, async () => ({ data: {} })),
  }),

  submitAssessment: t.prismaField({
    type: 'MaturityAssessment', errors,
    description: 'The principal submits the approved result to the managing authority. After the deadline it is still accepted, and flagged late.',
    args: { id: t.arg.id({ required: true }), expectedVersion: version(t as never) },
    resolve: (_q, _r, args, ctx) =>
      applyStep(ctx, String(args.id), args.expectedVersion, 'submit', {}, async (row, tx, place) => {
        if (!place.managingUnitId) throw fail(ctx, 'NO_MANAGING_UNIT', 'error.noManagingUnit');
        const now = new Date();
        const due = await deadlines(tx, row.schoolYear, place.provinceId);
        const late = isLate(now, due.submit);
        return { data: { submittedAt: now, submittedLate: late, managingUnitId: place.managingUnitId }, changes: late ? [{ code: 'late', before: false, after: true }] : [] };
      }),
  }),

  startAssessmentReview: t.prismaField({
    type: 'MaturityAssessment', errors, description: 'The managing authority starts reviewing a submitted result (kiểm tra).',
    args: { id: t.arg.id({ required: true }), expectedVersion: version(t as never) },
    resolve: (_q, _r, args, ctx) => applyStep(ctx, String(args.id), args.expectedVersion, 'startReview', {}, async () => ({ data: {} })),
  }),

  returnAssessment: t.prismaField({
    type: 'MaturityAssessment', errors, description: 'The authority returns the result to the school, saying which evidence is needed.',
    args: { id: t.arg.id({ required: true }), expectedVersion: version(t as never), comment: t.arg.string({ required: true }) },
    resolve: (_q, _r, args, ctx) => {
      checkText(ctx, args.comment);
      return applyStep(ctx, String(args.id), args.expectedVersion, 'return', { comment: args.comment }, async () => ({
        data: { returnComment: args.comment.trim() }, comment: args.comment.trim(),
      }));
    },
  }),

  evaluateAssessment: t.prismaField({
    type: 'MaturityAssessment', errors,
    description: 'The authority records its external evaluation (đánh giá ngoài): the full set of scores it finds. Every score that differs from the ' +
      'school\'s (or from the previous evaluation) needs a reason. May be repeated until publication.',
    args: {
      id: t.arg.id({ required: true }), expectedVersion: version(t as never),
      points: t.arg({ type: [PointAnswer], required: true }),
      mandatory: t.arg({ type: [MandatoryAnswer], required: true }),
      reasons: t.arg({ type: [ReasonInput], required: false }),
    },
    resolve: async (_q, _r, args, ctx) => {
      requireViewer(ctx);
      if (args.points.length > 500 || args.mandatory.length > 100) throw fail(ctx, 'INVALID_ANSWERS', 'error.tooManyAnswers');
      for (const r of args.reasons ?? []) checkText(ctx, r.reason);
      const reasons = new Map((args.reasons ?? []).map((r) => [r.code, r.reason.trim()]));
      let changes: Change[] = [];
      let evaluated: Answers | null = null;
      return applyStep(ctx, String(args.id), args.expectedVersion, 'evaluate', (row) => {
        evaluated = answersFromInput({ indexVersion: row.indexVersion, points: args.points, mandatory: args.mandatory });
        const index = indexVersion(row.indexVersion)!;
        checkAnswers(ctx, index, evaluated);
        changes = diff(asAnswers(row, 'evaluatedAnswers') ?? asAnswers(row, 'answers'), evaluated, null, null)
          .map((c) => ({ ...c, ...(reasons.get(c.code) ? { reason: reasons.get(c.code) } : {}) }));
        return { scoreChanges: changes.map((c) => ({ code: c.code, reason: c.reason ?? null })) };
      }, async (row) => {
        const index = indexVersion(row.indexVersion)!;
        return {
          data: { evaluatedAnswers: { points: evaluated!.points, mandatory: evaluated!.mandatory } as never, ...resultColumns(score(index, evaluated!)) },
          changes,
        };
      });
    },
  }),

  publishAssessment: t.prismaField({
    type: 'MaturityAssessment', errors, description: 'The authority publishes the evaluated level (công bố). A published result never changes again.',
    args: { id: t.arg.id({ required: true }), expectedVersion: version(t as never) },
    resolve: (_q, _r, args, ctx) => applyStep(ctx, String(args.id), args.expectedVersion, 'publish', {}, async () => ({ data: { publishedAt: new Date() } })),
  }),

  correctAssessment: t.prismaField({
    type: 'MaturityAssessment', errors,
    description: 'The authority opens a correction of a published result: a new result (revision n + 1) linked to it, under review with the ' +
      'same scores, to evaluate and publish like any other. The published result itself is never changed.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_q, _r, args, ctx) => {
      const viewer = requireViewer(ctx);
      checkText(ctx, args.reason);
      if (!args.reason.trim()) throw fail(ctx, 'REASON_REQUIRED', 'error.correctionReasonRequired');
      return step(ctx, async (tx) => {
        const id = String(args.id);
        await tx.$queryRaw(sql`SELECT 1 FROM maturity_assessment WHERE id = ${id} FOR UPDATE`);
        const old = await tx.maturityAssessment.findUnique({ where: { id } });
        const place = old ? (await schoolPlaces([old.schoolId], tx)).get(old.schoolId) : undefined;
        if (!old || !place || (old.status !== 'PUBLISHED' && !canSeeDrafts(viewer, place))) throw fail(ctx, 'NOT_FOUND', 'error.assessmentNotFound');
        // Who may correct is who may review: the same rule decides (a submitted result, the review step).
        const who = decide('SUBMITTED', 'startReview', actorOf(ctx), { schoolId: old.schoolId, managingUnitId: place.managingUnitId ?? '' });
        if (!who.ok) throw refusal(ctx, who.refusal);
        if (old.status !== 'PUBLISHED') {
          throw new WorkflowError('OUT_OF_ORDER', ctx.lang === 'vi' ? 'Chỉ đính chính được kết quả đã công bố.' : 'Only a published result can be corrected.');
        }
        if (await tx.maturityAssessment.findFirst({ where: { correctsId: id } })) throw fail(ctx, 'ALREADY_CORRECTED', 'error.alreadyCorrected');
        const revision = old.revision + 1;
        const newId = `${old.id.replace(/-r\d+$/, '')}-r${revision}`;
        const created = await tx.maturityAssessment.create({
          data: {
            id: newId, schoolId: old.schoolId, schoolYear: old.schoolYear, revision, correctsId: old.id, correctionReason: args.reason.trim(),
            indexVersion: old.indexVersion, status: 'UNDER_REVIEW', version: 1,
            group1Score: old.group1Score, group2Score: old.group2Score, group1Level: old.group1Level, group2Level: old.group2Level, overallLevel: old.overallLevel,
            answers: old.answers ?? undefined, evidence: old.evidence ?? undefined, evaluatedAnswers: old.evaluatedAnswers ?? undefined,
            managingUnitId: place.managingUnitId, submittedAt: old.submittedAt, submittedLate: old.submittedLate,
            isSynthetic: old.isSynthetic, sourceId: old.sourceId,
          },
        });
        await tx.assessmentAudit.create({
          data: {
            assessmentId: newId, actorId: viewer.id, actorRole: viewer.role, action: 'correct', fromStatus: null, toStatus: 'UNDER_REVIEW',
            version: 1, changes: [{ code: 'corrects', before: null, after: old.id }] as never, comment: args.reason.trim(),
          },
        });
        return created;
      });
    },
  }),
}));

export { Account };
