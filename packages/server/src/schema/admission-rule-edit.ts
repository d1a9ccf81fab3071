// editAdmissionRule: province staff change a published rule's quota or distance cap in the workspace (a wrong figure,
// a new decision) without sending a file. The edit goes through the import pipeline as a one-rule file: the same
// checks as an upload (a quota above the school's capacity, an overlap), the same history, and "undo" is the
// history's revert. It names the version it changes: two people at once, the second is told STALE_VERSION.
import { describeIssue, ImportRefused, ruleStates, ruleToCsv, ruleVersion, stageImport, type RuleState } from '@edugis/db';
import { sql } from '@edugis/prisma-postgis';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';
import { prisma } from '../db.ts';
import { authError, userError } from '../errors.ts';
import { translator } from '../i18n.ts';
import { commit, discard, importRun, importScope } from '../imports.ts';
import { Rule, checkRuleArgs, rulesOf } from './admission-rules.ts';

const MAX_REASON = 500;
const RuleMetric = builder.enumType('AdmissionRuleEditMetric', { values: ['STRAIGHT', 'ROAD'] as const });

const Changes = builder.inputType('AdmissionRuleChanges', {
  description: 'The fields to change; a field left out keeps its value. quotaClasses and distanceCapKm accept null (remove it).',
  fields: (t) => ({
    quotaPlaces: t.int({ required: false, description: '1 to 5000, at most the school\'s capacity when it is known.' }),
    quotaClasses: t.int({ required: false, description: '1 to 100, or null.' }),
    distanceCapKm: t.float({ required: false, description: 'Above 0, at most 50; null removes the cap (and its metric).' }),
    distanceMetric: t.field({ type: RuleMetric, required: false, description: 'Required with a new cap when the rule had none.' }),
  }),
});

const stale = (lang: 'vi' | 'en') =>
  new GraphQLError(translator(lang)('error.ruleStale') as string, { extensions: { code: 'STALE_VERSION' } });

builder.mutationField('editAdmissionRule', (t) =>
  t.field({
    type: Rule,
    complexity: 50,
    description: 'Changes one admission rule\'s quota or distance cap (province staff of its province, admins). Recorded as an import in the province\'s ' +
      'history (its source: "edited in EduGIS" and the reason), checked as a file would be, undone by revertImport. Refused STALE_VERSION when the rule ' +
      'changed since expectedVersion (AdmissionRule.version).',
    args: {
      schoolId: t.arg.id({ required: true }), schoolYear: t.arg.string({ required: true }), grade: t.arg.int({ required: true }),
      expectedVersion: t.arg.string({ required: true }), changes: t.arg({ type: Changes, required: true }),
      reason: t.arg.string({ required: true, description: `Why (kept in the history), at most ${MAX_REASON} characters.` }),
    },
    resolve: async (_r, a, ctx) => {
      const v = ctx.viewer;
      if (!v || v.mustChangePassword) throw authError(ctx.lang, v?.mustChangePassword ? 'password' : ctx.sessionExpired, false);
      const schoolId = String(a.schoolId);
      const [school] = await prisma().$queryRaw<{ province_code: string | null }[]>(sql`
        SELECT w.province_code FROM admission_rule r JOIN school s ON s.id = r.school_id LEFT JOIN admin_unit w ON w.id = s.ward_id
        WHERE r.school_id = ${schoolId} AND r.school_year = ${a.schoolYear} AND r.grade = ${a.grade}::int`);
      const province = school?.province_code ?? null;
      if (!province) throw userError(ctx.lang, 'error.ruleNotFound', { id: schoolId.slice(0, 60), year: a.schoolYear.slice(0, 20), grade: a.grade }, 'NOT_FOUND');
      await checkRuleArgs(ctx, { provinceCode: province, schoolYear: a.schoolYear, grade: a.grade });
      const denied = await importScope(v, province);
      if (denied) throw userError(ctx.lang, denied, {}, 'FORBIDDEN');
      const reason = a.reason.normalize('NFC').trim();
      if (!reason || reason.length > MAX_REASON) throw userError(ctx.lang, 'error.correctReason', { max: MAX_REASON });

      const key = `${schoolId}:${a.schoolYear}:${a.grade}`;
      const [before] = await ruleStates(prisma(), [key]);
      if (!before || ruleVersion(before) !== a.expectedVersion) throw stale(ctx.lang);
      const c = a.changes;
      const next: RuleState = { ...before };
      if (c.quotaPlaces !== undefined) {
        if (c.quotaPlaces === null || !Number.isInteger(c.quotaPlaces) || c.quotaPlaces < 1 || c.quotaPlaces > 5000) throw userError(ctx.lang, 'error.placementPlaces', { min: 1, max: 5000 });
        next.quota_places = c.quotaPlaces;
      }
      if (c.quotaClasses !== undefined) {
        if (c.quotaClasses !== null && (!Number.isInteger(c.quotaClasses) || c.quotaClasses < 1 || c.quotaClasses > 100)) throw userError(ctx.lang, 'error.ruleClasses', { max: 100 });
        next.quota_classes = c.quotaClasses;
      }
      if (c.distanceCapKm !== undefined) {
        if (c.distanceCapKm === null) { next.distance_cap_km = null; next.distance_metric = null; }
        else {
          if (!(c.distanceCapKm > 0 && c.distanceCapKm <= 50)) throw userError(ctx.lang, 'error.ruleCap');
          next.distance_cap_km = c.distanceCapKm;
          next.distance_metric = c.distanceMetric ?? before.distance_metric;
          if (!next.distance_metric) throw userError(ctx.lang, 'error.ruleMetric');
        }
      } else if (c.distanceMetric) {
        if (before.distance_cap_km == null) throw userError(ctx.lang, 'error.ruleMetric');
        next.distance_metric = c.distanceMetric;
      }

      if (ruleVersion(next) === ruleVersion(before)) throw userError(ctx.lang, 'error.ruleUnchanged');
      // The edit as a file of one rule, through the pipeline: the same checks, the same history.
      const actor = { id: v.id, name: v.displayName };
      const staged = await stageImport(prisma(), importRun, {
        kind: 'admission-rules', provinceCode: province, actor,
        upload: { name: `edugis-sua-quy-dinh-${schoolId}-${a.schoolYear}-lop${a.grade}.csv`.slice(0, 200), bytes: Buffer.from(ruleToCsv(next), 'utf8') },
        source: { title: `${translator(ctx.lang)('ruleEdit.source', { name: v.displayName })}: ${reason}`.slice(0, 300), licence: 'EduGIS staff edit' },
      });
      if (staged.status !== 'PREVIEW') {
        throw userError(ctx.lang, 'error.ruleEditInvalid', { problems: staged.errors.slice(0, 3).map((e) => describeIssue(e, ctx.lang).replace(/^(Dòng|Row) \d*: /, '')).join(' ') });
      }
      // What the preview compared against must still be the version the editor saw.
      const [item] = await prisma().$queryRaw<{ before: RuleState | null }[]>(sql`
        SELECT item->'before' AS before FROM data_import_item WHERE import_id = ${staged.id} ORDER BY seq LIMIT 1`);
      if (!item?.before || ruleVersion(item.before) !== a.expectedVersion) { await discard(staged.id); throw stale(ctx.lang); }
      try {
        await commit(staged.id, v);
      } catch (err) {
        if (err instanceof ImportRefused && err.code === 'IMPORT_STALE') throw stale(ctx.lang);
        throw err;
      }
      return (await rulesOf(province, a.schoolYear, a.grade)).find((r) => r.school_id === schoolId)!;
    },
  }),
);
